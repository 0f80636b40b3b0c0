/**
 * The two terminal steps. Each records the outcome on the job, removes what the job no longer
 * needs and publishes the outcome once (see finish-job.ts), so a subscriber never hears of an
 * outcome the job record does not show, and a retried step does not announce it twice.
 */
import { CodedError } from '../core/errors';
import { describeFailure, type FailedState } from '../workflow/failure';
import type { ObjectPointer, OutputRecord } from '../workflow/events';
import { jobTimeline, type JobTimeline } from '../workflow/job-timeline';
import { failJob, publishOnce, type FinishDeps } from './finish-job';
import type { JobStore, Notifier, ObjectStore } from './ports';
import { workPrefixFor, type WorkArea } from './working-images';

export interface NotifySuccessEvent {
  readonly jobId: string;
  readonly source: ObjectPointer;
  readonly outputs: OutputRecord[];
}

export async function notifySuccess(
  event: NotifySuccessEvent,
  deps: {
    readonly jobs: Pick<JobStore, 'advance' | 'markNotified'>;
    readonly notifier: Pick<Notifier, 'jobSucceeded'>;
    readonly objects: Pick<ObjectStore, 'deletePrefix'>;
    readonly work: WorkArea;
  },
): Promise<{ readonly published: boolean; readonly timeline?: JobTimeline }> {
  await deps.objects.deletePrefix(deps.work.bucket, workPrefixFor(deps.work, event.jobId));
  const { applied, current, notified, record } = await deps.jobs.advance(event.jobId, 'SUCCEEDED', { outputs: event.outputs });
  if (!applied) {
    throw new CodedError('INTERNAL', `Expected job ${event.jobId} to be able to succeed, but it is already ${current ?? 'missing'}.`);
  }
  const { published } = await publishOnce(deps.jobs, event.jobId, 'success', notified, () => deps.notifier.jobSucceeded(event));
  return { published, ...(record ? { timeline: jobTimeline(record.receivedAt, record.history) } : {}) };
}

export interface NotifyErrorEvent extends FailedState {
  readonly jobId: string;
  readonly source: ObjectPointer;
}

export async function notifyError(event: NotifyErrorEvent, deps: FinishDeps): Promise<{ readonly code: string; readonly message: string; readonly published: boolean }> {
  const error = describeFailure(event);
  const { alreadySucceeded, published } = await failJob(event, error, deps);
  if (alreadySucceeded) {
    // Fails the execution on purpose: the workflow broke after the job was done, which someone should see.
    throw new CodedError(
      'INTERNAL',
      `Job ${event.jobId} had already succeeded when the workflow failed with ${error.code} (${error.message}); its outputs are kept.`,
    );
  }
  return { code: String(error.code), message: error.message, published };
}
