/**
 * ProcessOnWorker's work, idempotent by job and queue message: a job that has ended needs
 * nothing; a redelivered message whose outputs were already recorded reports those outputs again
 * instead of producing a second set; otherwise the image steps run and their outputs are recorded
 * under the message's deduplication id before they are reported.
 */
import { CodedError } from '../core/errors';
import { isTerminal, type JobStatus } from '../core/job-status';
import type { JobError, JobInput, OutputRecord } from '../workflow/events';
import type { JobStore } from './ports';
import { runImageSteps, type ImageStepsDeps } from './worker-pipeline';

export interface HeavyJobDeps extends Omit<ImageStepsDeps, 'jobs'> {
  readonly jobs: Pick<JobStore, 'advance' | 'get' | 'recordWorkerRun'>;
}

export type HeavyJobOutcome =
  | { readonly kind: 'succeeded'; readonly outputs: OutputRecord[]; readonly repeated: boolean }
  | { readonly kind: 'rejected'; readonly error: JobError }
  | { readonly kind: 'ended'; readonly status: JobStatus };

export async function processHeavyJob(job: Pick<JobInput, 'jobId' | 'source'>, deduplicationId: string, deps: HeavyJobDeps): Promise<HeavyJobOutcome> {
  const record = await deps.jobs.get(job.jobId);
  if (!record) throw new CodedError('INTERNAL', `Expected job ${job.jobId} to be recorded before the worker takes it, but it is missing.`);
  if (isTerminal(record.status)) return { kind: 'ended', status: record.status };
  if (record.worker?.deduplicationId === deduplicationId) return { kind: 'succeeded', outputs: record.worker.outputs, repeated: true };
  const result = await runImageSteps(job, deps);
  if (!result.valid) return { kind: 'rejected', error: result.error };
  const { recorded } = await deps.jobs.recordWorkerRun(job.jobId, deduplicationId, result.outputs);
  if (!recorded) {
    const now = await deps.jobs.get(job.jobId);
    return { kind: 'ended', status: now?.status ?? 'FAILED' };
  }
  return { kind: 'succeeded', outputs: result.outputs, repeated: false };
}
