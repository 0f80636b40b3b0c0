/**
 * In-memory stand-ins for the steps' ports, for testing step logic on its own. The real
 * adapters are tested against the emulators in __tests__/handlers/adapters, and everything
 * together in __tests__/local.
 */
import { canTransition, type JobStatus } from '../../../handlers/core/job-status';
import { CodedError } from '../../../handlers/core/errors';
import type { JobStore, Notifier, ObjectStore, WorkflowStarter } from '../../../handlers/steps/ports';
import type { ByteRange, JobError, JobInput, ObjectPointer, OutputRecord } from '../../../handlers/workflow/events';
import type { JobRecord, NotificationKind, StartClaim } from '../../../handlers/workflow/job-record';

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  reads = 0;
  /** Bytes handed out by getBytes, ranges included. */
  bytesRead = 0;

  async getBytes(pointer: ObjectPointer, options: { maxBytes: number; range?: ByteRange }): Promise<Buffer> {
    this.reads += 1;
    const object = this.objects.get(`${pointer.bucket}/${pointer.key}`);
    if (!object) throw new Error(`no object ${pointer.bucket}/${pointer.key}`);
    const body = options.range ? object.body.subarray(options.range.start, options.range.end + 1) : object.body;
    if (body.length > options.maxBytes) throw new CodedError('TOO_LARGE', 'too large');
    this.bytesRead += body.length;
    return body;
  }

  async put(pointer: { bucket: string; key: string }, body: Buffer, options: { contentType: string }): Promise<void> {
    this.objects.set(`${pointer.bucket}/${pointer.key}`, { body, contentType: options.contentType });
  }

  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    const keys = this.keys(bucket, prefix);
    for (const key of keys) this.objects.delete(`${bucket}/${key}`);
    return keys.length;
  }

  async deleteKeys(bucket: string, keys: readonly string[]): Promise<number> {
    for (const key of keys) this.objects.delete(`${bucket}/${key}`);
    return keys.length;
  }

  keys(bucket: string, prefix = ''): string[] {
    return [...this.objects.keys()]
      .filter((path) => path.startsWith(`${bucket}/${prefix}`))
      .map((path) => path.slice(bucket.length + 1))
      .sort();
  }
}

export class MemoryJobStore implements JobStore {
  readonly jobs = new Map<string, JobRecord>();
  creates = 0;
  /** Epoch seconds, for the start lease. */
  now = 1_000_000;

  async create(job: JobInput): Promise<{ created: boolean }> {
    this.creates += 1;
    if (this.jobs.has(job.jobId)) return { created: false };
    const at = new Date(this.now * 1000).toISOString();
    this.jobs.set(job.jobId, { jobId: job.jobId, status: 'RECEIVED', source: job.source, receivedAt: job.receivedAt, updatedAt: at, history: [] });
    return { created: true };
  }

  async advance(jobId: string, status: JobStatus, fields: { error?: JobError; outputs?: OutputRecord[] } = {}) {
    const job = this.jobs.get(jobId);
    // As in DynamoDB: the condition fails on a job never recorded.
    if (!job) return { applied: false };
    const notified = job.notified ? { notified: job.notified } : {};
    if (!canTransition(job.status, status)) return { applied: false, current: job.status, ...notified };
    const at = new Date(this.now * 1000).toISOString();
    const record = { ...job, ...fields, status, updatedAt: at, history: [...job.history, { status, at }] };
    this.jobs.set(jobId, record);
    return { applied: true, ...notified, record };
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    return this.jobs.get(jobId);
  }

  async claimStart(jobId: string, leaseSeconds: number): Promise<StartClaim> {
    const job = this.record(jobId);
    if (job.executionArn) return { outcome: 'started', executionArn: job.executionArn };
    if (job.startLeaseUntil !== undefined && job.startLeaseUntil >= this.now) return { outcome: 'busy' };
    this.jobs.set(jobId, { ...job, startLeaseUntil: this.now + leaseSeconds });
    return { outcome: 'claimed' };
  }

  async recordStarted(jobId: string, executionArn: string): Promise<void> {
    const { startLeaseUntil: _lease, ...job } = this.record(jobId);
    this.jobs.set(jobId, { ...job, executionArn });
  }

  async releaseStart(jobId: string): Promise<void> {
    const { startLeaseUntil: _lease, ...job } = this.record(jobId);
    this.jobs.set(jobId, job);
  }

  async markNotified(jobId: string, kind: NotificationKind): Promise<{ marked: boolean }> {
    const job = this.record(jobId);
    if (job.notified) return { marked: false };
    this.jobs.set(jobId, { ...job, notified: kind });
    return { marked: true };
  }

  async listOpenBefore(before: Date, limit: number): Promise<string[]> {
    return [...this.jobs.values()]
      .filter((job) => !['SUCCEEDED', 'FAILED'].includes(job.status) && Date.parse(job.openSince ?? job.updatedAt) < before.getTime())
      .map((job) => job.jobId)
      .slice(0, limit);
  }

  async recordWorkerRun(jobId: string, deduplicationId: string, outputs: OutputRecord[]): Promise<{ recorded: boolean }> {
    const job = this.jobs.get(jobId);
    if (!job || ['SUCCEEDED', 'FAILED'].includes(job.status)) return { recorded: false };
    this.jobs.set(jobId, { ...job, worker: { deduplicationId, outputs, at: new Date(this.now * 1000).toISOString() } });
    return { recorded: true };
  }

  async recordReprocess(jobId: string, batchId: string, outputs: OutputRecord[]): Promise<{ recorded: boolean }> {
    const job = this.jobs.get(jobId);
    if (!job || job.status !== 'SUCCEEDED' || job.reprocessBatches?.includes(batchId)) return { recorded: false };
    this.jobs.set(jobId, { ...job, outputs, reprocessBatches: [...(job.reprocessBatches ?? []), batchId] });
    return { recorded: true };
  }

  private record(jobId: string): JobRecord {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    return job;
  }
}

export class MemoryNotifier implements Notifier {
  readonly succeeded: unknown[] = [];
  readonly failed: { jobId: string; error: JobError }[] = [];

  async jobSucceeded(event: { jobId: string; outputs: OutputRecord[] }): Promise<void> {
    this.succeeded.push(event);
  }

  async jobFailed(event: { jobId: string; error: JobError }): Promise<void> {
    this.failed.push(event);
  }
}

/**
 * Step Functions' StartExecution. `standard`: a repeated name with the same input is the same
 * execution. `express`: names are not deduplicated, every call starts another run.
 */
export class MemoryStarter implements WorkflowStarter {
  readonly executions = new Map<string, string>();
  /** Every run started, by name, duplicates included. */
  readonly runs: string[] = [];
  /** Errors the next calls throw, one per call. */
  readonly failures: Error[] = [];

  constructor(private readonly type: 'standard' | 'express' = 'standard') {}

  async start(name: string, input: unknown) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    const serialized = JSON.stringify(input);
    const existing = this.executions.get(name);
    if (this.type === 'standard' && existing !== undefined) {
      if (existing !== serialized) throw new Error('ExecutionAlreadyExists');
      return { executionArn: `arn:local:${name}`, alreadyStarted: true };
    }
    this.executions.set(name, serialized);
    this.runs.push(name);
    return { executionArn: `arn:local:${name}:${this.runs.length}`, alreadyStarted: false };
  }
}
