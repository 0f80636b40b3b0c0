/**
 * How a job ends, shared by the terminal steps and the reconciler: its outcome is recorded first
 * (a conditional write: a job never moves backwards), then what a failed job leaves is removed,
 * then the outcome is published — once. The record's notification marker is written right after
 * publishing, and a step that finds it set does not publish again, so a retried state never sends
 * a second message. The one window left: a step that dies between publishing and recording the
 * marker publishes again when it is retried (docs/architecture.md).
 */
import { CodedError } from '../core/errors';
import type { JobError, ObjectPointer } from '../workflow/events';
import type { NotificationKind } from '../workflow/job-record';
import type { JobStore, Notifier, ObjectStore } from './ports';
import { workPrefixFor, type WorkArea } from './working-images';

export interface FinishDeps {
  readonly jobs: Pick<JobStore, 'advance' | 'markNotified'>;
  readonly notifier: Pick<Notifier, 'jobFailed'>;
  readonly objects: Pick<ObjectStore, 'deletePrefix'>;
  readonly work: WorkArea;
  readonly outputBucket: string;
}

/** Publishes unless the job's outcome was already published, then records the publication. */
export async function publishOnce(
  jobs: Pick<JobStore, 'markNotified'>,
  jobId: string,
  kind: NotificationKind,
  alreadyNotified: NotificationKind | undefined,
  publish: () => Promise<unknown>,
): Promise<{ published: boolean }> {
  if (alreadyNotified) return { published: false };
  await publish();
  await jobs.markNotified(jobId, kind);
  return { published: true };
}

/**
 * Records the job FAILED with `error`, removes its partial outputs and scratch, and publishes the
 * error once. A job that had already SUCCEEDED keeps its outputs (they are real): only its scratch
 * is removed, and the caller learns it from `alreadySucceeded`.
 */
export async function failJob(
  job: { readonly jobId: string; readonly source: ObjectPointer },
  error: JobError,
  deps: FinishDeps,
): Promise<{ readonly alreadySucceeded: boolean; readonly published: boolean }> {
  const scratch = workPrefixFor(deps.work, job.jobId);
  const { applied, current, notified } = await deps.jobs.advance(job.jobId, 'FAILED', { error });
  if (!applied) {
    if (current !== 'SUCCEEDED') {
      throw new CodedError('INTERNAL', `Expected job ${job.jobId} to be able to fail, but it is ${current ? `already ${current}` : 'missing'}.`);
    }
    await deps.objects.deletePrefix(deps.work.bucket, scratch);
    return { alreadySucceeded: true, published: false };
  }
  // A failed job leaves no partial outputs and no scratch; the original upload is never touched.
  await deps.objects.deletePrefix(deps.outputBucket, `${job.jobId}/`);
  await deps.objects.deletePrefix(deps.work.bucket, scratch);
  const { published } = await publishOnce(deps.jobs, job.jobId, 'error', notified, () =>
    deps.notifier.jobFailed({ jobId: job.jobId, source: job.source, error }),
  );
  return { alreadySucceeded: false, published };
}
