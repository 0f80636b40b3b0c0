/**
 * A job as its record in the jobs table shows it: where it is in the pipeline, what it produced
 * or why it failed, and the markers that keep its workflow started once and its outcome
 * published once, however often events and states are delivered.
 */
import type { JobStatus } from '../core/job-status';
import type { JobError, JobInput, OutputRecord } from './events';

export interface JobHistoryEntry {
  readonly status: JobStatus;
  /** ISO-8601 time the status was recorded. */
  readonly at: string;
}

/** Which topic a job's outcome was published to. */
export type NotificationKind = 'success' | 'error';

export interface JobRecord {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly source: JobInput['source'];
  /** ISO-8601 time the upload was received (from the S3 event). */
  readonly receivedAt: string;
  /** ISO-8601 time of the last applied write. */
  readonly updatedAt: string;
  /** TTL: epoch seconds after which DynamoDB may delete the item. */
  readonly expiresAt?: number;
  readonly error?: JobError;
  readonly outputs?: OutputRecord[];
  /** Free-form, JSON-like facts a step chose to record (e.g. the validated format and size). */
  readonly details?: Record<string, unknown>;
  /** Every applied write in order, including idempotent repeats. */
  readonly history: readonly JobHistoryEntry[];
  /** The execution started for the job, once StartExecution returned. */
  readonly executionArn?: string;
  /** Epoch seconds until which one delivery of the upload's event holds the right to start the execution. */
  readonly startLeaseUntil?: number;
  /** The topic the outcome was published to, recorded right after publishing. */
  readonly notified?: NotificationKind;
  /** ISO-8601 time of that publication. */
  readonly notifiedAt?: string;
  /** While the job is open: its partition of the open-jobs index, and when it was created (ISO-8601). */
  readonly openShard?: string;
  readonly openSince?: string;
  /** What the worker produced for the job, under the queue message it took (ProcessOnWorker). */
  readonly worker?: { readonly deduplicationId: string; readonly outputs: OutputRecord[]; readonly at: string };
  /** The reprocessing batches applied to the job, in order; `outputs` is the last one's. */
  readonly reprocessBatches?: readonly string[];
  /** The API upload whose object started the job (from its key), and the job's place among that upload's jobs. */
  readonly uploadId?: string;
  readonly uploadSort?: string;
}

export interface AdvanceResult {
  readonly applied: boolean;
  /** The job's status when the write was refused. */
  readonly current?: JobStatus;
  /** Whether (and where) the job's outcome has already been published. */
  readonly notified?: NotificationKind;
  /** The job as the write left it, when it was applied. */
  readonly record?: JobRecord;
}

/**
 * The outcome of asking to start a job's execution: `claimed` — this delivery holds the lease and
 * starts it; `started` — an execution already exists; `busy` — another delivery holds a live lease.
 */
export type StartClaim =
  | { readonly outcome: 'claimed' }
  | { readonly outcome: 'started'; readonly executionArn: string }
  | { readonly outcome: 'busy' };

/** A workflow execution's status as Step Functions reports it, with its error once it failed. */
export interface ExecutionState {
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
  readonly error?: string;
  readonly cause?: string;
}
