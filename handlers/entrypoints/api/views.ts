/**
 * What the API shows of an upload: its status (`PENDING` until its object arrives, then its job's),
 * the workflow states the job went through with when it entered each, its error, and its outputs
 * with short-lived download URLs.
 */
import type { JobStatus } from '../../core/job-status';
import type { UploadRecord } from '../../adapters/upload-store';
import type { OutputRecord } from '../../workflow/events';
import type { JobRecord } from '../../workflow/job-record';

/** The state of the image pipeline each recorded status means (asl/definition.ts). */
const STATE_OF_STATUS: Readonly<Record<JobStatus, string>> = {
  RECEIVED: 'StartWorkflow',
  VALIDATING: 'ValidateImage',
  PROCESSING: 'ProcessImage',
  OPTIMIZING: 'OptimizeImage',
  SUCCEEDED: 'NotifySuccess',
  FAILED: 'NotifyError',
};

/** An output as the API shows it: where it is stored gives way to a short-lived URL. */
export type OutputView = Omit<OutputRecord, 'bucket' | 'key'> & { readonly url: string };

export interface UploadView {
  readonly uploadId: string;
  readonly fileName: string;
  readonly album: string | null;
  readonly createdAt: string;
  readonly status: 'PENDING' | JobStatus;
  readonly states?: readonly { readonly name: string; readonly at: string }[];
  readonly error?: { readonly code: string; readonly message: string };
  readonly outputs: readonly OutputView[];
}

export interface ViewOptions {
  readonly presign: (bucket: string, key: string) => Promise<string>;
  readonly withStates: boolean;
}

export async function describeJob(upload: UploadRecord, job: JobRecord | undefined, options: ViewOptions): Promise<UploadView> {
  const outputs = job?.status === 'SUCCEEDED' ? (job.outputs ?? []) : [];
  return {
    uploadId: upload.uploadId,
    fileName: upload.fileName,
    album: upload.album,
    createdAt: upload.createdAt,
    status: job?.status ?? 'PENDING',
    ...(options.withStates ? { states: statesOf(job) } : {}),
    ...(job?.error ? { error: { code: job.error.code, message: job.error.message } } : {}),
    outputs: await Promise.all(
      outputs.map(async (output) => ({
        name: output.name,
        filter: output.filter,
        format: output.format,
        width: output.width,
        height: output.height,
        bytes: output.bytes,
        url: await options.presign(output.bucket, output.key),
      })),
    ),
  };
}

/** Each state once, when the job first entered it (a retried step records its status again). */
function statesOf(job: JobRecord | undefined): { name: string; at: string }[] {
  const seen = new Set<JobStatus>();
  const states: { name: string; at: string }[] = [];
  for (const entry of job?.history ?? []) {
    if (seen.has(entry.status)) continue;
    seen.add(entry.status);
    states.push({ name: STATE_OF_STATUS[entry.status], at: entry.at });
  }
  return states;
}
