/**
 * The life of a job as its record shows it. S3 events arrive at least once and out of order,
 * and Step Functions retries states, so the same transition can be attempted twice and a late
 * writer can try to move a job backwards. One pure rule, `canTransition`, decides what a write
 * may do; the job store turns it into a DynamoDB condition so the rule holds under concurrency.
 */

/** In pipeline order. SUCCEEDED and FAILED are terminal and share the top rank. */
export const JOB_STATUSES = ['RECEIVED', 'VALIDATING', 'PROCESSING', 'OPTIMIZING', 'SUCCEEDED', 'FAILED'] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['SUCCEEDED', 'FAILED'];

const RANKS: Readonly<Record<JobStatus, number>> = {
  RECEIVED: 0,
  VALIDATING: 1,
  PROCESSING: 2,
  OPTIMIZING: 3,
  SUCCEEDED: 4,
  FAILED: 4,
};

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && Object.hasOwn(RANKS, value);
}

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_JOB_STATUSES.includes(status);
}

/** Position in the pipeline; a job's rank never decreases. */
export function statusRank(status: JobStatus): number {
  return RANKS[status];
}

/**
 * Whether a job in `from` may be recorded as `to`.
 * - Never backwards: `to` must rank at least as high as `from`. Skipping ahead is allowed
 *   (an invalid upload goes straight from VALIDATING to FAILED).
 * - The same status again is allowed, because a retried state repeats its write.
 * - A terminal status is final: only the identical terminal status may be written again
 *   (an idempotent repeat), never the other one.
 */
export function canTransition(from: JobStatus, to: JobStatus): boolean {
  if (isTerminal(from)) return from === to;
  return statusRank(to) >= statusRank(from);
}

/** The statuses a job may be in for a write of `to` to succeed: the job store's condition. */
export function statusesAllowedBefore(to: JobStatus): JobStatus[] {
  return JOB_STATUSES.filter((from) => canTransition(from, to));
}
