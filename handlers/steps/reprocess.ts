/**
 * Album reprocessing, one upload at a time: a SUCCEEDED job's original is decoded again and its
 * renditions derived with the batch's preset, written over the job's outputs, and recorded on the
 * job once per batch; outputs the new preset no longer makes are then removed. The job's status
 * stays SUCCEEDED throughout, and no notification is sent: the job was already announced.
 */
import type { JobError, OutputRecord } from '../workflow/events';
import type { AdvanceResult } from '../workflow/job-record';
import type { JobStore } from './ports';
import { runImageSteps, type ImageStepsDeps } from './worker-pipeline';
import { workPrefixFor } from './working-images';

export interface ReprocessDeps extends Omit<ImageStepsDeps, 'jobs'> {
  readonly jobs: Pick<JobStore, 'get' | 'recordReprocess'>;
}

export type ReprocessOutcome =
  | { readonly kind: 'reprocessed'; readonly outputs: OutputRecord[]; readonly removed: number }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly error: JobError };

/** The steps record progress by advancing the job; a reprocessing run must not move it, so their writes are refused here, as a finished job refuses them. */
const STATUS_UNCHANGED = { advance: async (): Promise<AdvanceResult> => ({ applied: false, current: 'SUCCEEDED' }) };

export async function reprocessJob(request: { readonly jobId: string; readonly batchId: string }, deps: ReprocessDeps): Promise<ReprocessOutcome> {
  const { jobId, batchId } = request;
  const record = await deps.jobs.get(jobId);
  if (!record) return { kind: 'skipped', reason: `job ${jobId} is not recorded` };
  if (record.status !== 'SUCCEEDED') return { kind: 'skipped', reason: `job ${jobId} is ${record.status}, and only a SUCCEEDED job is reprocessed` };
  if (record.reprocessBatches?.includes(batchId)) return { kind: 'skipped', reason: `job ${jobId} was already reprocessed by batch ${batchId}` };
  try {
    const result = await runImageSteps({ jobId, source: record.source }, { ...deps, jobs: STATUS_UNCHANGED });
    if (!result.valid) return { kind: 'rejected', error: result.error };
    const { recorded } = await deps.jobs.recordReprocess(jobId, batchId, result.outputs);
    if (!recorded) return { kind: 'skipped', reason: `job ${jobId} changed while batch ${batchId} reprocessed it` };
    const kept = new Set(result.outputs.map((output) => output.key));
    const stale = (record.outputs ?? []).filter((output) => !kept.has(output.key)).map((output) => output.key);
    const removed = stale.length > 0 ? await deps.objects.deleteKeys(deps.outputBucket, stale) : 0;
    return { kind: 'reprocessed', outputs: result.outputs, removed };
  } finally {
    await deps.objects.deletePrefix(deps.work.bucket, workPrefixFor(deps.work, jobId));
  }
}
