/**
 * What operators see of each step's result, in one place for every runtime that runs the steps
 * (the Lambdas, the worker): the business metrics the alarms and the dashboard read, and the one
 * line logged per finished job. A job's outcome is counted where it is published — once — so
 * a retried state never counts it twice.
 */
import type { OutputRecord, ValidationResult } from '../workflow/events';
import type { JobTimeline } from '../workflow/job-timeline';
import { BUSINESS_METRICS, CODE_DIMENSION, STEP_DIMENSION } from './metrics';
import type { Telemetry } from './telemetry';

/** The message of the one line per succeeded job (the saved "slowest jobs" query filters on it). */
export const JOB_SUCCEEDED_MESSAGE = 'Job succeeded';

/** How long one step's work took, by step (the entrypoint's name). */
export function recordStepDuration(step: string, ms: number, telemetry: Telemetry): void {
  telemetry.metric(BUSINESS_METRICS.stateDuration, Math.round(ms), 'Milliseconds', { [STEP_DIMENSION]: step });
}

export function recordValidated(result: ValidationResult, telemetry: Telemetry): void {
  if (result.valid) telemetry.metric(BUSINESS_METRICS.bytesIn, result.bytes, 'Bytes');
}

export function recordOutputsWritten(outputs: readonly OutputRecord[], telemetry: Telemetry): void {
  telemetry.metric(BUSINESS_METRICS.bytesOut, outputs.reduce((sum, output) => sum + output.bytes, 0), 'Bytes');
}

/** A job whose success this invocation published: counted, and its one line with its durations. */
export function recordJobSucceeded(job: { readonly outputs: number; readonly timeline?: JobTimeline }, telemetry: Telemetry): void {
  telemetry.metric(BUSINESS_METRICS.imagesProcessed, 1, 'Count');
  telemetry.logger.info(JOB_SUCCEEDED_MESSAGE, { outputs: job.outputs, ...job.timeline });
}

/** A job whose failure this invocation published, by its code. */
export function recordJobFailed(error: { readonly code: string; readonly message: string }, telemetry: Telemetry): void {
  telemetry.metric(BUSINESS_METRICS.imagesFailed, 1, 'Count', { [CODE_DIMENSION]: error.code });
  telemetry.logger.info('Job failed', { code: error.code, reason: error.message });
}

/** A job the reconciler had to end or finish: the workflow broke, not the image. */
export function recordJobReconciled(job: { readonly jobId: string; readonly outcome: string; readonly code?: string }, telemetry: Telemetry): void {
  telemetry.metric(BUSINESS_METRICS.jobsReconciled, 1, 'Count');
  telemetry.logger.warn('Job reconciled', { jobId: job.jobId, outcome: job.outcome, ...(job.code ? { code: job.code } : {}) });
}
