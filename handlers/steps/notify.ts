/**
 * The two terminal steps. Each removes the job's scratch objects, records the outcome on the job
 * (a conditional write: a job never moves backwards) and then publishes it, so a subscriber never
 * hears of an outcome the job record does not show. A retried step publishes again:
 * notifications are at-least-once.
 */
import { CodedError } from '../core/errors';
import { describeFailure, type FailedState } from '../workflow/failure';
import type { ObjectPointer, OutputRecord } from '../workflow/events';
import type { JobStore, Notifier, ObjectStore } from './ports';
import { workPrefixFor, type WorkArea } from './working-images';

export interface NotifySuccessEvent {
  readonly jobId: string;
  readonly source: ObjectPointer;
  readonly outputs: OutputRecord[];
}

export async function notifySuccess(
  event: NotifySuccessEvent,
  deps: { readonly jobs: JobStore; readonly notifier: Notifier; readonly objects: ObjectStore; readonly work: WorkArea },
): Promise<void> {
  await deps.objects.deletePrefix(deps.work.bucket, workPrefixFor(deps.work, event.jobId));
  const { applied, current } = await deps.jobs.advance(event.jobId, 'SUCCEEDED', { outputs: event.outputs });
  if (!applied) {
    throw new CodedError('INTERNAL', `Expected job ${event.jobId} to be able to succeed, but it is already ${current ?? 'missing'}.`);
  }
  await deps.notifier.jobSucceeded(event);
}

export interface NotifyErrorEvent extends FailedState {
  readonly jobId: string;
  readonly source: ObjectPointer;
}

export async function notifyError(
  event: NotifyErrorEvent,
  deps: {
    readonly jobs: JobStore;
    readonly notifier: Notifier;
    readonly objects: ObjectStore;
    readonly work: WorkArea;
    readonly outputBucket: string;
  },
): Promise<{ code: string }> {
  const error = describeFailure(event);
  const scratch = workPrefixFor(deps.work, event.jobId);
  // Recorded first: if the job already succeeded (NotifySuccess failed after recording it), its
  // outputs are real and must stay; only the conditional write can tell.
  const { applied, current } = await deps.jobs.advance(event.jobId, 'FAILED', { error });
  if (!applied) {
    if (current === 'SUCCEEDED') await deps.objects.deletePrefix(deps.work.bucket, scratch);
    throw new CodedError(
      'INTERNAL',
      current === 'SUCCEEDED'
        ? `Job ${event.jobId} had already succeeded when the workflow failed with ${error.code} (${error.message}); its outputs are kept, but its success notification may not have been published.`
        : `Expected job ${event.jobId} to be able to fail, but it is ${current ? `already ${current}` : 'missing'}.`,
    );
  }
  // A failed job leaves no partial outputs and no scratch; the original upload is never touched.
  await deps.objects.deletePrefix(deps.outputBucket, `${event.jobId}/`);
  await deps.objects.deletePrefix(deps.work.bucket, scratch);
  await deps.notifier.jobFailed({ jobId: event.jobId, source: event.source, error });
  return { code: error.code };
}
