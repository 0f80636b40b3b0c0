/**
 * End to end on the emulators: real-looking photos go through every state to NotifySuccess, the
 * outputs land in the output folder as the report says, and the outcome is read back from the
 * emulated table, bucket and topics. A duplicated S3 event yields one job and one set of outputs.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { PIPELINE_DEFINITION } from '../../asl/definition';
import { animatedGif, photoLikeJpeg, rgbaPng, solid } from '../fixtures/images';
import { DEFAULT_OUTPUTS, startHarness, stateNames, type Harness } from './harness';


let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness?.stop());

describe('valid images', () => {
  it('each reach NotifySuccess with the seven outputs, copied into one folder per input', async () => {
    const files = {
      'beach.jpg': await photoLikeJpeg(480, 360, { seed: 1 }),
      'portrait.jpg': await photoLikeJpeg(480, 360, { seed: 2, orientation: 6 }),
      'logo.png': await rgbaPng(200, 150),
      'wave.gif': await animatedGif(),
      'card.webp': await solid('webp', 400, 300),
    };
    const run = await harness.run(files);
    expect(run.problems).toEqual([]);
    expect(run.report.summary).toMatchObject({ succeeded: 5, failed: 0 });
    expect(JSON.parse(await readFile(run.reportPath, 'utf8'))).toEqual(run.report);

    for (const name of Object.keys(files)) {
      const { trace, report } = run.job(name);
      expect(report.status).toBe('SUCCEEDED');
      expect(report.error).toBeUndefined();
      expect(report.outputs.map((output) => output.name).sort()).toEqual(DEFAULT_OUTPUTS);
      const names = stateNames(report);
      expect(names.slice(0, 4)).toEqual(['ValidateImage', 'ImageValid', 'ChooseProcessor', 'ProcessImage']);
      expect(names.slice(4, 6).sort()).toEqual(['ApplyFilters', 'ResizeImage']);
      expect(names.slice(6)).toEqual(['OptimizeImage', 'NotifySuccess']);
      // A Parallel lasts as long as its slower branch; the top-level states run one after another,
      // so their sum fits in the run's wall time (+1: states are timed in whole milliseconds).
      const ms = Object.fromEntries(report.states.map((state) => [state.name, state.ms]));
      expect(ms.ProcessImage).toBeGreaterThanOrEqual(Math.max(ms.ResizeImage!, ms.ApplyFilters!));
      const topLevel = report.states.filter((state) => state.name in PIPELINE_DEFINITION.States);
      expect(topLevel).toHaveLength(6);
      expect(topLevel.reduce((sum, state) => sum + state.ms, 0)).toBeLessThanOrEqual(run.report.summary.ms + 1);

      // Read back from the emulated services, not from memory.
      expect(trace.record).toMatchObject({ status: 'SUCCEEDED', jobId: trace.jobId });
      expect(trace.notifications).toEqual([expect.objectContaining({ topic: 'success', jobId: trace.jobId, message: expect.objectContaining({ type: 'image.processed' }) })]);
      expect(trace.processedKeys).toHaveLength(7);

      for (const output of report.outputs) {
        expect(output.path).toBe(`${trace.folder}/${output.name}`);
        const file = join(run.outDir, output.path);
        expect((await stat(file)).size).toBe(output.bytes);
        const metadata = await sharp(file).metadata();
        expect({ name: output.name, format: metadata.format, width: metadata.width, height: metadata.height }).toEqual({
          name: output.name,
          format: output.format,
          width: output.width,
          height: output.height,
        });
        expect(output.filter).toBe(output.name.includes('grayscale') ? 'grayscale' : null);
      }
    }
    // Auto-oriented: stored 480 × 360 with EXIF orientation 6 is a 360 × 480 portrait.
    const thumb = run.job('portrait.jpg').report.outputs.find((output) => output.name === 'thumb.webp')!;
    expect({ width: thumb.width, height: thumb.height }).toEqual({ width: 320, height: 427 });
    expect(run.job('beach.jpg').trace.folder).toBe('beach');
  });
});

describe('a large upload', () => {
  it('goes up in parts (as clients upload big files), arrives as CompleteMultipartUpload and succeeds', async () => {
    // A small photo with 12 MiB of trailing bytes, which decoders ignore: over fauxqs' 11 MiB request limit.
    const photo = await photoLikeJpeg(320, 240, { seed: 4 });
    const run = await harness.run({ 'large.jpg': Buffer.concat([photo, Buffer.alloc(12 * 1024 * 1024)]) });
    expect(run.problems).toEqual([]);
    const { trace, report } = run.job('large.jpg');
    expect(report.status).toBe('SUCCEEDED');
    expect(JSON.parse(trace.execution!.input)).toMatchObject({ source: { size: photo.length + 12 * 1024 * 1024, etag: expect.stringMatching(/-2$/) } });
  });
});

describe('an upload overwritten before its event is processed', () => {
  it('fails that job with SOURCE_CHANGED and processes the newer upload as its own job', async () => {
    const key = `${harness.system.resources.uploadsPrefix}race/photo.jpg`;
    const first = await harness.system.upload(key, await photoLikeJpeg(320, 240, { seed: 4 }));
    const second = await harness.system.upload(key, await photoLikeJpeg(240, 320, { seed: 5 }));
    await harness.system.deliver([first]);
    await harness.system.deliver([second]);
    await harness.system.stepFunctions.idle();

    const executions = harness.system.stepFunctions.executions().filter((candidate) => candidate.input.includes(JSON.stringify(key)));
    const jobs = await Promise.all(executions.map((execution) => harness.system.readJob((JSON.parse(execution.input) as { jobId: string }).jobId)));
    // S3 events carry ETags without their quotes.
    const bare = (etag: string | undefined) => etag?.replace(/"/g, '');
    expect(jobs.map((job) => [job?.source.etag, job?.status, job?.error?.code])).toEqual([
      [bare(first.eTag), 'FAILED', 'SOURCE_CHANGED'],
      [bare(second.eTag), 'SUCCEEDED', undefined],
    ]);
  });
});
