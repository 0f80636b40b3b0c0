/**
 * Fault injection on the real definition and handlers: a transient failure in each Task state is
 * retried and the job succeeds; a permanent one ends in NotifyError with the original kept and no
 * partial outputs; a failure of NotifyError itself is reported as a system failure.
 */
import { parseFault } from '../../local/faults';
import { photoLikeJpeg, TEXT_FILE } from '../fixtures/images';
import { DEFAULT_OUTPUTS, startHarness, stateNames, type Harness } from './harness';


let harness: Harness;
let photo: Buffer;
beforeAll(async () => {
  harness = await startHarness();
  photo = await photoLikeJpeg(320, 240, { seed: 21 });
});
afterAll(() => harness?.stop());
afterEach(() => harness.system.setFaults([]));

describe('a transient failure', () => {
  it.each(['ValidateImage', 'ResizeImage', 'ApplyFilters', 'OptimizeImage', 'NotifySuccess'])('of %s is retried and the job succeeds', async (state) => {
    harness.system.setFaults([parseFault(`${state}=TRANSIENT:2`)]);
    const run = await harness.run({ 'photo.jpg': photo });
    expect(run.problems).toEqual([]);
    const { trace, report } = run.job('photo.jpg');
    expect(report.status).toBe('SUCCEEDED');
    expect(report.outputs.map((output) => output.name).sort()).toEqual(DEFAULT_OUTPUTS);
    expect(trace.timings.find((timing) => timing.name === state)).toMatchObject({ attempts: 3 });
    expect(stateNames(report).at(-1)).toBe('NotifySuccess');
    expect(trace.notifications).toHaveLength(1);
  });

  it('of NotifySuccess after it published is retried without publishing again: one notification per job', async () => {
    harness.system.setFaults([parseFault('NotifySuccess=TRANSIENT:2:after')]);
    const run = await harness.run({ 'photo.jpg': photo });
    expect(run.problems).toEqual([]);
    const { trace, report } = run.job('photo.jpg');
    expect(report.status).toBe('SUCCEEDED');
    expect(trace.timings.find((timing) => timing.name === 'NotifySuccess')).toMatchObject({ attempts: 3 });
    expect(trace.notifications.map((notification) => notification.topic)).toEqual(['success']);
    expect(trace.record).toMatchObject({ notified: 'success' });
    expect(trace.record?.history.filter((entry) => entry.status === 'SUCCEEDED')).toHaveLength(3);
  });

  it('of NotifyError is retried and the failed job is recorded and notified once', async () => {
    harness.system.setFaults([parseFault('NotifyError=TRANSIENT:3')]);
    const run = await harness.run({ 'notes.jpg': TEXT_FILE });
    expect(run.problems).toEqual([]);
    const { trace, report } = run.job('notes.jpg');
    expect(report).toMatchObject({ status: 'FAILED', error: { code: 'UNSUPPORTED_FORMAT' } });
    expect(trace.timings.find((timing) => timing.name === 'NotifyError')).toMatchObject({ attempts: 4 });
    expect(trace.notifications).toEqual([expect.objectContaining({ topic: 'error' })]);
  });
});

describe('a permanent failure', () => {
  it('after OptimizeImage wrote its outputs ends in NotifyError, keeps the original and leaves no partial outputs', async () => {
    // ":after" runs the real handler (outputs written to the processed bucket), then fails the attempt.
    harness.system.setFaults([parseFault('OptimizeImage=INTERNAL:1:after')]);
    const run = await harness.run({ 'photo.jpg': photo });
    expect(run.problems).toEqual([]);
    const { trace, report } = run.job('photo.jpg');
    expect(report).toMatchObject({ status: 'FAILED', outputs: [], error: { code: 'INTERNAL', message: expect.stringContaining('Injected fault') } });
    expect(stateNames(report).slice(-2)).toEqual(['OptimizeImage', 'NotifyError']);
    expect(trace.timings.find((timing) => timing.name === 'OptimizeImage')).toMatchObject({ attempts: 1, error: 'INTERNAL' });
    expect(trace.record).toMatchObject({ status: 'FAILED', error: { code: 'INTERNAL' } });
    expect(await harness.system.rawObjectExists(trace.source.key)).toBe(true);
    expect(trace.processedKeys).toEqual([]);
    expect(await harness.system.processedKeys(`${harness.system.resources.workPrefix}${trace.jobId}/`)).toEqual([]);
    expect(trace.notifications).toEqual([expect.objectContaining({ topic: 'error' })]);
  });

  it('that outlasts the retries is caught by ProcessImage into NotifyError', async () => {
    harness.system.setFaults([parseFault('ResizeImage=TRANSIENT:*')]);
    const run = await harness.run({ 'photo.jpg': photo });
    expect(run.problems).toEqual([]);
    const { trace, report } = run.job('photo.jpg');
    expect(report).toMatchObject({ status: 'FAILED', error: { code: 'TRANSIENT' } });
    expect(trace.timings.find((timing) => timing.name === 'ResizeImage')).toMatchObject({ attempts: 4 });
    expect(stateNames(report)).not.toContain('OptimizeImage');
    expect(stateNames(report).at(-1)).toBe('NotifyError');
    expect(trace.processedKeys).toEqual([]);
    expect(await harness.system.rawObjectExists(trace.source.key)).toBe(true);
  });

  it('of NotifySuccess after it recorded success keeps the outputs and fails the execution visibly', async () => {
    harness.system.setFaults([parseFault('NotifySuccess=INTERNAL:1:after')]);
    const run = await harness.run({ 'photo.jpg': photo });
    const { trace } = run.job('photo.jpg');
    expect(trace.execution?.status).toBe('FAILED');
    expect(run.problems).toEqual(expect.arrayContaining([expect.stringMatching(/outputs are kept/)]));
    expect(trace.record).toMatchObject({ status: 'SUCCEEDED' });
    expect([...trace.processedKeys].map((key) => key.slice(key.lastIndexOf('/') + 1)).sort()).toEqual(DEFAULT_OUTPUTS);
    expect(await harness.system.processedKeys(`${harness.system.resources.workPrefix}${trace.jobId}/`)).toEqual([]);
  });

  it('of NotifyError itself fails the execution, which the runner reports as a system failure, and the reconciler ends the job', async () => {
    harness.system.setFaults([parseFault('NotifyError=INTERNAL:*')]);
    const run = await harness.run({ 'notes.jpg': TEXT_FILE });
    const { trace, report } = run.job('notes.jpg');
    expect(trace.execution?.status).toBe('FAILED');
    expect(run.problems).toEqual([expect.stringMatching(/notes\.jpg: Execution .* ended FAILED with INTERNAL: Injected fault: NotifyError/)]);
    expect(report).toMatchObject({
      status: 'FAILED',
      error: { code: 'INTERNAL', message: expect.stringMatching(/^The workflow stopped before it finished the job: its execution ended FAILED with INTERNAL \(Injected fault/) },
    });
    expect(trace.record).toMatchObject({ status: 'FAILED', notified: 'error' });
    expect(trace.notifications).toEqual([expect.objectContaining({ topic: 'error' })]);
  });

  it('of NotifyError after OptimizeImage wrote its outputs leaves no job stuck: FAILED, no outputs, no scratch, one error notification', async () => {
    harness.system.setFaults([parseFault('NotifyError=INTERNAL'), parseFault('OptimizeImage=INTERNAL:1:after')]);
    const run = await harness.run({ 'photo.jpg': photo });
    const { trace, report } = run.job('photo.jpg');
    expect(trace.execution?.status).toBe('FAILED');
    expect(run.problems).toEqual([expect.stringMatching(/Execution .* ended FAILED with INTERNAL/)]);
    expect(report).toMatchObject({ status: 'FAILED', outputs: [], error: { code: 'INTERNAL' } });
    expect(trace.record?.status).toBe('FAILED');
    expect(trace.processedKeys).toEqual([]);
    expect(await harness.system.processedKeys(`${harness.system.resources.workPrefix}${trace.jobId}/`)).toEqual([]);
    expect(trace.notifications).toEqual([expect.objectContaining({ topic: 'error' })]);
    expect(await harness.system.rawObjectExists(trace.source.key)).toBe(true);
  });
});
