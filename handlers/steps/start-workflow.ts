/**
 * Turns S3 ObjectCreated records into workflow executions, at most one per upload version. S3
 * delivers events at least once and out of order, so the job id (and execution name) is derived
 * from bucket + key + version (or ETag), and a delivery starts the execution only while it holds
 * the job's start lease and no execution is recorded yet. Standard workflows would also refuse a
 * second execution of the same name; Express workflows would not — the lease is what protects them.
 */
import { CodedError } from '../core/errors';
import { deriveJobId } from '../core/job-id';
import { parseUploadKey } from '../core/upload-key';
import type { JobInput } from '../workflow/events';
import type { JobStore, WorkflowStarter } from './ports';

export interface UploadRecord {
  readonly bucket: string;
  /** The object key, already URL-decoded. */
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
  readonly versionId?: string;
  /** ISO-8601 time of the event; identical across duplicate deliveries. */
  readonly eventTime: string;
}

export interface StartWorkflowDeps {
  readonly jobs: Pick<JobStore, 'create' | 'claimStart' | 'recordStarted' | 'releaseStart'>;
  readonly starter: WorkflowStarter;
  /** Only keys under this prefix are processed (the notification filter should already ensure it). */
  readonly uploadsPrefix: string;
  /** How long a delivery may hold the start lease: at least as long as it may still run. */
  readonly startLeaseSeconds: number;
}

export interface StartedJob {
  readonly jobId: string;
  readonly executionArn: string;
  /** True when this record was a duplicate of one already started. */
  readonly duplicate: boolean;
}

export async function startWorkflows(records: readonly UploadRecord[], deps: StartWorkflowDeps): Promise<StartedJob[]> {
  const started: StartedJob[] = [];
  for (const record of records.filter((candidate) => candidate.key.startsWith(deps.uploadsPrefix))) {
    started.push(await startWorkflow(record, deps));
  }
  return started;
}

async function startWorkflow(record: UploadRecord, deps: StartWorkflowDeps): Promise<StartedJob> {
  const revision = record.versionId ?? record.etag ?? '';
  const jobId = deriveJobId({ bucket: record.bucket, key: record.key, revision });
  const input: JobInput = {
    jobId,
    source: {
      bucket: record.bucket,
      key: record.key,
      size: record.size,
      ...(record.versionId ? { versionId: record.versionId } : {}),
      ...(record.etag ? { etag: record.etag } : {}),
    },
    receivedAt: record.eventTime,
  };
  // A key the API handed out names its upload; the job is linked to it for the API's lookups.
  const upload = parseUploadKey(deps.uploadsPrefix, record.key);
  const { created } = await deps.jobs.create(input, upload ? { uploadId: upload.uploadId } : undefined);
  // A record that already existed is claimed too: a delivery that crashed before starting must not strand its job.
  const claim = await deps.jobs.claimStart(jobId, deps.startLeaseSeconds);
  if (claim.outcome === 'started') return { jobId, executionArn: claim.executionArn, duplicate: true };
  if (claim.outcome === 'busy') {
    throw new CodedError(
      'TRANSIENT',
      `Expected to start job ${jobId}, but another delivery of the same S3 event is starting it right now; this delivery is retried and then finds it started.`,
    );
  }
  let started: { executionArn: string; alreadyStarted: boolean };
  try {
    started = await deps.starter.start(jobId, input);
  } catch (error) {
    // Given back at once so the retry does not wait for the lease to run out.
    await deps.jobs.releaseStart(jobId).catch(() => undefined);
    throw error;
  }
  await deps.jobs.recordStarted(jobId, started.executionArn);
  return { jobId, executionArn: started.executionArn, duplicate: !created || started.alreadyStarted };
}
