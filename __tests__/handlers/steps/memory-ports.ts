/**
 * In-memory stand-ins for the steps' ports, for testing step logic on its own. The real
 * adapters are tested against the emulators in __tests__/handlers/adapters, and everything
 * together in __tests__/local.
 */
import { canTransition, type JobStatus } from '../../../handlers/core/job-status';
import { CodedError } from '../../../handlers/core/errors';
import type { JobStore, Notifier, ObjectStore, WorkflowStarter } from '../../../handlers/steps/ports';
import type { JobError, JobInput, ObjectPointer, OutputRecord } from '../../../handlers/workflow/events';

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  reads = 0;

  async getBytes(pointer: ObjectPointer, options: { maxBytes: number }): Promise<Buffer> {
    this.reads += 1;
    const object = this.objects.get(`${pointer.bucket}/${pointer.key}`);
    if (!object) throw new Error(`no object ${pointer.bucket}/${pointer.key}`);
    if (object.body.length > options.maxBytes) throw new CodedError('TOO_LARGE', 'too large');
    return object.body;
  }

  async put(pointer: { bucket: string; key: string }, body: Buffer, options: { contentType: string }): Promise<void> {
    this.objects.set(`${pointer.bucket}/${pointer.key}`, { body, contentType: options.contentType });
  }

  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    const keys = this.keys(bucket, prefix);
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
  readonly jobs = new Map<string, { status: JobStatus; error?: JobError; outputs?: OutputRecord[] }>();
  creates = 0;

  async create(job: JobInput): Promise<{ created: boolean }> {
    this.creates += 1;
    if (this.jobs.has(job.jobId)) return { created: false };
    this.jobs.set(job.jobId, { status: 'RECEIVED' });
    return { created: true };
  }

  async advance(jobId: string, status: JobStatus, fields: { error?: JobError; outputs?: OutputRecord[] } = {}) {
    const job = this.jobs.get(jobId) ?? { status: 'RECEIVED' as JobStatus };
    if (!canTransition(job.status, status)) return { applied: false, current: job.status };
    this.jobs.set(jobId, { ...job, ...fields, status });
    return { applied: true };
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

export class MemoryStarter implements WorkflowStarter {
  readonly executions = new Map<string, string>();

  async start(name: string, input: unknown) {
    const serialized = JSON.stringify(input);
    const existing = this.executions.get(name);
    if (existing !== undefined && existing !== serialized) throw new Error('ExecutionAlreadyExists');
    this.executions.set(name, serialized);
    return { executionArn: `arn:local:${name}`, alreadyStarted: existing !== undefined };
  }
}
