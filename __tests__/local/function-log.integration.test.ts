/**
 * The functions' logs and metrics of a local run, as CloudWatch would hold them: every line JSON,
 * every log line carrying the persistent keys, one line per finished job with its durations, and
 * the EMF metrics adding up to what the run did — summarised per state in report.json.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricsOf } from '../../local/emf';
import { BUSINESS_METRICS } from '../../handlers/runtime/metrics';
import { photoLikeJpeg, rgbaPng } from '../fixtures/images';
import { startHarness, type Harness } from './harness';

let harness: Harness;
let logFile: string;
beforeAll(async () => {
  logFile = join(await mkdtemp(join(tmpdir(), 'function-log-')), 'functions.log');
  // ResizeImage's first attempt in each execution runs, then fails: a retried step is measured each time.
  harness = await startHarness({ functionLog: { file: logFile }, faults: [{ state: 'ResizeImage', error: 'TRANSIENT', times: 1, when: 'after' }] });
});
afterAll(() => harness?.stop());

type LogRecord = Record<string, unknown>;

describe('a local run', () => {
  it('logs JSON only, with the persistent keys, and metrics that add up to the run', async () => {
    const files = { 'beach.jpg': await photoLikeJpeg(640, 480, { seed: 3 }), 'logo.png': await rgbaPng(300, 200), 'notes.jpg': Buffer.from('not an image at all') };
    const run = await harness.run(files);
    expect(run.report.summary).toMatchObject({ succeeded: 2, failed: 1 });

    const records = (await readFile(logFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as LogRecord);
    const logLines = records.filter((record) => record._aws === undefined);
    const metrics = records.flatMap(metricsOf);
    expect(logLines.length).toBeGreaterThan(0);

    for (const line of logLines) {
      expect(line).toMatchObject({ level: expect.any(String), message: expect.any(String), service: 'image-processor-local', function: expect.any(String) });
    }
    // The in-process worker logs as its ECS task does: no Lambda context, only its own lines (it took no image here).
    const workerLines = logLines.filter((line) => line.function === 'worker');
    expect(workerLines.map((line) => line.message)).toEqual(['The worker is taking messages.']);
    expect(workerLines[0]).not.toHaveProperty('function_request_id');
    const functionLines = logLines.filter((line) => line.function !== 'worker');
    for (const line of functionLines) {
      expect(line).toMatchObject({ function_request_id: expect.any(String), cold_start: expect.any(Boolean), function_name: `image-processor-local-${String(line.function)}` });
      if (line.function !== 'start-workflow') expect(line).toMatchObject({ jobId: expect.any(String), upload: expect.stringMatching(/^uploads\//) });
    }
    // The first invocation of each function is its cold start, and only that one.
    const functions = new Set(functionLines.map((line) => line.function));
    for (const name of functions) {
      const lines = functionLines.filter((line) => line.function === name);
      const requests = new Map(lines.map((line) => [line.function_request_id, line.cold_start]));
      expect([...requests.values()].filter(Boolean)).toHaveLength(1);
    }

    // One line per finished job: the successes with their durations, the failure with its code.
    const jobIds = Object.fromEntries(Object.keys(files).map((name) => [name, run.job(name).trace.jobId]));
    const succeeded = logLines.filter((line) => line.message === 'Job succeeded');
    expect(succeeded.map((line) => line.jobId).sort()).toEqual([jobIds['beach.jpg'], jobIds['logo.png']].sort());
    for (const line of succeeded) {
      const phases = line.phasesMs as Record<string, number>;
      expect(Object.keys(phases)).toEqual(['RECEIVED', 'VALIDATING', 'PROCESSING', 'OPTIMIZING']);
      expect(Object.values(phases).reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(line.totalMs as number);
      expect(line.outputs).toBe(7);
    }
    expect(logLines.filter((line) => line.message === 'Job failed')).toEqual([expect.objectContaining({ jobId: jobIds['notes.jpg'], code: 'UNSUPPORTED_FORMAT' })]);

    const sum = (name: string, where: (dimensions: Readonly<Record<string, string>>) => boolean = () => true) =>
      metrics.filter((datum) => datum.name === name && where(datum.dimensions)).reduce((total, datum) => total + datum.value, 0);
    expect(sum(BUSINESS_METRICS.imagesProcessed)).toBe(2);
    expect(sum(BUSINESS_METRICS.imagesFailed, (dimensions) => dimensions.code === 'UNSUPPORTED_FORMAT')).toBe(1);
    expect(sum(BUSINESS_METRICS.bytesIn)).toBe(files['beach.jpg'].length + files['logo.png'].length);
    const written = run.report.jobs.flatMap((job) => job.outputs).reduce((total, output) => total + output.bytes, 0);
    expect(sum(BUSINESS_METRICS.bytesOut)).toBe(written);

    // report.json's per-state summary counts every attempt: ResizeImage ran twice per valid image.
    expect(run.report.summary.states).toMatchObject({
      ValidateImage: { count: 3 },
      ResizeImage: { count: 4 },
      ApplyFilters: { count: 2 },
      OptimizeImage: { count: 2 },
      NotifySuccess: { count: 2 },
      NotifyError: { count: 1 },
    });
    for (const state of Object.values(run.report.summary.states ?? {})) expect(state.p99Ms).toBeGreaterThanOrEqual(state.p50Ms);
  });
});
