/** The reconciler over in-memory ports: every way an execution can end without ending its job. */
import { reconcileExecution, sweepStaleJobs } from '../../../handlers/steps/reconcile';
import type { WorkflowExecutions } from '../../../handlers/steps/ports';
import type { ExecutionState } from '../../../handlers/workflow/job-record';
import { MemoryJobStore, MemoryNotifier, MemoryObjectStore } from './memory-ports';

const work = { bucket: 'processed', prefix: '_work/' };
const source = { bucket: 'raw', key: 'uploads/cat.jpg' };

async function setup(status: 'RECEIVED' | 'OPTIMIZING' | 'FAILED' | 'SUCCEEDED', receivedAt = '2026-12-01T10:00:00.000Z') {
  const jobs = new MemoryJobStore();
  const objects = new MemoryObjectStore();
  const notifier = new MemoryNotifier();
  const jobId = `cat-${status.toLowerCase()}`;
  await jobs.create({ jobId, source: { ...source, size: 10 }, receivedAt });
  jobs.jobs.set(jobId, { ...jobs.jobs.get(jobId)!, openSince: receivedAt });
  if (status !== 'RECEIVED') {
    await jobs.advance(jobId, status, status === 'FAILED' ? { error: { code: 'CORRUPT', message: 'The JPEG data ends early.' } } : {});
  }
  await objects.put({ bucket: 'processed', key: `${jobId}/thumb.webp` }, Buffer.from('webp'), { contentType: 'image/webp' });
  await objects.put({ bucket: 'processed', key: `_work/${jobId}/master.raw` }, Buffer.from('raw'), { contentType: 'application/octet-stream' });
  return { jobId, deps: { jobs, objects, notifier, work, outputBucket: 'processed' } };
}

describe('reconcileExecution', () => {
  it('fails a job whose execution failed mid-way, removes its outputs and scratch, and publishes the error once', async () => {
    const { jobId, deps } = await setup('OPTIMIZING');
    const cause = JSON.stringify({ errorType: 'INTERNAL', errorMessage: 'notify-error failed unexpectedly: boom' });
    const first = await reconcileExecution({ jobId, status: 'FAILED', error: 'INTERNAL', cause }, deps);
    expect(first).toEqual({ jobId, outcome: 'failed', published: true, code: 'INTERNAL', reason: expect.stringContaining('execution ended FAILED') });
    expect(deps.jobs.jobs.get(jobId)).toMatchObject({
      status: 'FAILED',
      notified: 'error',
      error: { code: 'INTERNAL', message: expect.stringContaining('ended FAILED with INTERNAL (notify-error failed unexpectedly: boom)') },
    });
    expect(deps.objects.keys('processed')).toEqual([]);
    expect(deps.notifier.failed).toHaveLength(1);

    const again = await reconcileExecution({ jobId, status: 'FAILED', error: 'INTERNAL', cause }, deps);
    expect(again.published).toBe(false);
    expect(deps.notifier.failed).toHaveLength(1);
  });

  it('keeps the verdict NotifyError recorded, and publishes it when NotifyError could not', async () => {
    const { jobId, deps } = await setup('FAILED');
    await reconcileExecution({ jobId, status: 'FAILED', error: 'TRANSIENT', cause: 'SNS is unavailable' }, deps);
    expect(deps.jobs.jobs.get(jobId)?.error).toEqual({ code: 'CORRUPT', message: 'The JPEG data ends early.' });
    expect(deps.notifier.failed).toEqual([expect.objectContaining({ jobId, error: { code: 'CORRUPT', message: 'The JPEG data ends early.' } })]);
  });

  it('keeps a job that had succeeded, with its outputs, and publishes its success if that never happened', async () => {
    const { jobId, deps } = await setup('SUCCEEDED');
    expect(await reconcileExecution({ jobId, status: 'FAILED', error: 'INTERNAL' }, deps)).toMatchObject({ outcome: 'succeeded', published: true });
    expect(deps.jobs.jobs.get(jobId)?.status).toBe('SUCCEEDED');
    expect(deps.objects.keys('processed')).toEqual([`${jobId}/thumb.webp`]);
    expect(deps.notifier.succeeded).toHaveLength(1);
    expect(deps.notifier.failed).toHaveLength(0);
  });

  it('records a timed-out execution as INTERNAL and exhausted Lambda throttling as TRANSIENT', async () => {
    const timedOut = await setup('OPTIMIZING');
    await reconcileExecution({ jobId: timedOut.jobId, status: 'TIMED_OUT', error: 'States.Timeout' }, timedOut.deps);
    expect(timedOut.deps.jobs.jobs.get(timedOut.jobId)?.error).toEqual({
      code: 'INTERNAL',
      message: 'The workflow stopped before it finished the job: its execution ended TIMED_OUT with States.Timeout (it gave no reason).',
    });
    const throttled = await setup('RECEIVED');
    await reconcileExecution({ jobId: throttled.jobId, status: 'FAILED', error: 'Lambda.TooManyRequestsException', cause: 'Rate Exceeded.' }, throttled.deps);
    expect(throttled.deps.jobs.jobs.get(throttled.jobId)?.error?.code).toBe('TRANSIENT');
  });

  it('does nothing for a job it does not know', async () => {
    const { deps } = await setup('OPTIMIZING');
    expect(await reconcileExecution({ jobId: 'someone-else', status: 'ABORTED' }, deps)).toEqual({ jobId: 'someone-else', outcome: 'unknown', published: false });
  });
});

describe('sweepStaleJobs', () => {
  const executions = (states: Record<string, ExecutionState>): WorkflowExecutions => ({ describe: async (arn) => states[arn] });
  const now = new Date('2026-12-01T12:00:00.000Z');

  it('ends jobs open longer than an execution may run whose execution is not running, and no others', async () => {
    const neverStarted = await setup('RECEIVED', '2026-12-01T10:00:00.000Z');
    const { jobs, objects, notifier } = neverStarted.deps;
    const add = async (jobId: string, receivedAt: string, executionArn?: string) => {
      await jobs.create({ jobId, source: { ...source, size: 10 }, receivedAt });
      jobs.jobs.set(jobId, { ...jobs.jobs.get(jobId)!, openSince: receivedAt, ...(executionArn ? { executionArn } : {}) });
    };
    await add('still-running', '2026-12-01T10:00:00.000Z', 'arn:running');
    await add('lost-event', '2026-12-01T10:00:00.000Z', 'arn:failed');
    await add('recent', '2026-12-01T11:50:00.000Z');

    const swept = await sweepStaleJobs({
      ...neverStarted.deps,
      executions: executions({ 'arn:running': { status: 'RUNNING' }, 'arn:failed': { status: 'FAILED', error: 'States.Runtime', cause: 'broken' } }),
      now,
      staleAfterSeconds: 3900,
      limit: 100,
    });
    expect(swept.map((entry) => entry.jobId).sort()).toEqual([neverStarted.jobId, 'lost-event']);
    expect(jobs.jobs.get(neverStarted.jobId)?.error?.message).toBe(
      "The job was still RECEIVED 120 minutes after it was received, and no workflow execution was ever started for it; the reconciler's sweep ended it.",
    );
    expect(jobs.jobs.get('lost-event')?.error?.message).toContain('its execution ended FAILED with States.Runtime (broken)');
    expect(jobs.jobs.get('still-running')?.status).toBe('RECEIVED');
    expect(jobs.jobs.get('recent')?.status).toBe('RECEIVED');
    expect(notifier.failed).toHaveLength(2);
    expect(objects.keys('processed', '_work/')).toEqual([]);
  });
});
