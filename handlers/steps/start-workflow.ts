/**
 * Turns S3 ObjectCreated records into workflow executions. S3 delivers events at least once
 * and out of order, so the job id (and execution name) is derived from bucket + key + version
 * (or ETag): a duplicated record finds the job already recorded and the execution already started.
 */
import { deriveJobId } from '../core/job-id';
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
  readonly jobs: JobStore;
  readonly starter: WorkflowStarter;
  /** Only keys under this prefix are processed (the notification filter should already ensure it). */
  readonly uploadsPrefix: string;
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
  const { created } = await deps.jobs.create(input);
  // Started even when the record already existed: a crash between the two calls must not strand a job.
  const { executionArn, alreadyStarted } = await deps.starter.start(jobId, input);
  return { jobId, executionArn, duplicate: !created || alreadyStarted };
}
