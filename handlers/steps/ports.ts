/**
 * What the workflow steps need from the outside world. The adapters in `handlers/adapters`
 * implement these with injected AWS SDK clients; tests and other runtimes may pass their own.
 */
import type { JobStatus } from '../core/job-status';
import type { ByteRange, JobError, JobInput, ObjectPointer, OutputRecord } from '../workflow/events';
import type { AdvanceResult, ExecutionState, JobRecord, NotificationKind, StartClaim } from '../workflow/job-record';
import type { FifoMessage } from '../workflow/worker-messages';

/** A step's log: the runtime's structured logger, whose lines already carry the job. */
export interface StepLog {
  warn(message: string, attributes: Readonly<Record<string, unknown>>): void;
}

export interface ObjectStore {
  /** The object's bytes, or only those of `range` (inclusive offsets, as in HTTP `Range: bytes=`). */
  getBytes(pointer: ObjectPointer, options: { maxBytes: number; range?: ByteRange }): Promise<Buffer>;
  put(
    pointer: { bucket: string; key: string },
    body: Buffer,
    options: { contentType: string; cacheControl?: string; metadata?: Record<string, string> },
  ): Promise<unknown>;
  deletePrefix(bucket: string, prefix: string): Promise<number>;
  deleteKeys(bucket: string, keys: readonly string[]): Promise<number>;
}

export interface JobStore {
  create(job: JobInput, upload?: { readonly uploadId: string }): Promise<{ created: boolean }>;
  advance(jobId: string, status: JobStatus, fields?: { error?: JobError; outputs?: OutputRecord[]; details?: Record<string, unknown> }): Promise<AdvanceResult>;
  get(jobId: string): Promise<JobRecord | undefined>;
  claimStart(jobId: string, leaseSeconds: number): Promise<StartClaim>;
  recordStarted(jobId: string, executionArn: string): Promise<void>;
  releaseStart(jobId: string): Promise<void>;
  markNotified(jobId: string, kind: NotificationKind): Promise<{ marked: boolean }>;
  listOpenBefore(before: Date, limit: number): Promise<string[]>;
  /**
   * Records the outputs a worker produced for an open job under the queue message's
   * deduplication id, so a redelivery of that message reports them instead of producing them
   * again; `recorded` is false when the job has ended.
   */
  recordWorkerRun(jobId: string, deduplicationId: string, outputs: OutputRecord[]): Promise<{ recorded: boolean }>;
  /** Replaces a SUCCEEDED job's outputs with a reprocessing batch's, once per batch; `recorded` is false when it was not SUCCEEDED or already had the batch. */
  recordReprocess(jobId: string, batchId: string, outputs: OutputRecord[]): Promise<{ recorded: boolean }>;
}

/** Reporting on a task the state machine waits for (`.waitForTaskToken`), by its token. */
export interface TaskCallbacks {
  /** `gone`: the task no longer waits for this token (it timed out, or the execution ended). */
  heartbeat(taskToken: string): Promise<'ok' | 'gone'>;
  succeed(taskToken: string, output: unknown): Promise<'ok' | 'gone'>;
  fail(taskToken: string, error: JobError): Promise<'ok' | 'gone'>;
}

export interface Notifier {
  jobSucceeded(event: { jobId: string; source: ObjectPointer; outputs: OutputRecord[] }): Promise<unknown>;
  jobFailed(event: { jobId: string; source: ObjectPointer; error: JobError }): Promise<unknown>;
}

export interface WorkflowStarter {
  start(name: string, input: unknown): Promise<{ executionArn: string; alreadyStarted: boolean }>;
}

export interface WorkflowExecutions {
  /** Undefined when Step Functions cannot say (an Express execution, or one it no longer knows). */
  describe(executionArn: string): Promise<ExecutionState | undefined>;
}

/** An owner's uploads as album reprocessing reads them: pages of the listing, and each upload's jobs. */
export interface UploadCatalog<Position> {
  /** One page of the owner's uploads in `album` (deleted ones are not listed), newest first. */
  list(owner: string, options: { limit: number; album: string; after?: Position }): Promise<{ readonly uploads: readonly UploadSummary[]; readonly next: Position | null }>;
  /** The upload's jobs, newest first; undefined when the upload is not recorded. */
  find(uploadId: string): Promise<{ readonly jobs: readonly Pick<JobRecord, 'jobId' | 'status'>[] } | undefined>;
}

export interface UploadSummary {
  readonly uploadId: string;
  readonly fileName: string;
}

export interface FifoQueue {
  /** Sends the messages in the order given; throws when the queue refuses any of them. */
  sendInOrder(messages: readonly FifoMessage[]): Promise<void>;
}
