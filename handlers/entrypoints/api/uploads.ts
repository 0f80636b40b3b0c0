/**
 * The API's operations on uploads, over injected stores: presign an upload and record it, describe
 * one with its job's progress and outputs, list an owner's, delete one. Owners are isolated here:
 * every lookup checks the record's owner, and another owner's upload answers like a missing one.
 */
import { formatBytes } from '../../core/describe';
import { isUploadMediaType, newUploadId, UPLOAD_MEDIA_TYPES, uploadKey } from '../../core/upload-key';
import type { ListPosition, UploadPage, UploadRecord, UploadWithJobs } from '../../adapters/upload-store';
import type { PresignedUpload, UploadPolicy } from '../../adapters/presigner';
import type { JobRecord } from '../../workflow/job-record';
import { ApiError, notFound } from './api-error';
import { decodeCursor, encodeCursor } from './cursor';
import type { CreateUploadRequest, ListQuery } from './schemas';
import { describeJob, type UploadView } from './views';

export interface UploadsSettings {
  readonly rawBucket: string;
  readonly uploadsPrefix: string;
  readonly maxInputBytes: number;
  readonly uploadUrlSeconds: number;
  readonly downloadUrlSeconds: number;
}

export interface UploadsDeps {
  readonly uploads: {
    create(upload: UploadRecord): Promise<void>;
    find(uploadId: string): Promise<UploadWithJobs | undefined>;
    list(owner: string, options: { limit: number; after?: ListPosition; album?: string }): Promise<UploadPage>;
    markDeleted(uploadId: string, owner: string, at: Date): Promise<boolean>;
  };
  readonly presigner: {
    upload(policy: UploadPolicy): Promise<PresignedUpload>;
    download(bucket: string, key: string, expiresSeconds: number): Promise<string>;
  };
  readonly objects: {
    deleteObject(bucket: string, key: string): Promise<void>;
    deletePrefix(bucket: string, prefix: string): Promise<number>;
  };
  readonly settings: UploadsSettings;
  readonly now: () => Date;
}

export interface CreatedUpload {
  readonly uploadId: string;
  readonly upload: PresignedUpload;
  readonly expiresAt: string;
}

export async function createUpload(owner: string, request: CreateUploadRequest, deps: UploadsDeps): Promise<CreatedUpload> {
  const { settings } = deps;
  if (!isUploadMediaType(request.contentType)) {
    throw new ApiError('UNSUPPORTED_FORMAT', `Expected contentType to be one of ${UPLOAD_MEDIA_TYPES.join(', ')}, but received ${JSON.stringify(request.contentType)}.`);
  }
  if (request.bytes > settings.maxInputBytes) {
    throw new ApiError('TOO_LARGE', `Expected an upload of at most ${formatBytes(settings.maxInputBytes)} (${settings.maxInputBytes} bytes), but it declares ${request.bytes} bytes.`);
  }
  const now = deps.now();
  const uploadId = newUploadId();
  const key = uploadKey(settings.uploadsPrefix, { owner, uploadId, fileName: request.fileName });
  const upload = await deps.presigner.upload({
    bucket: settings.rawBucket,
    key,
    contentType: request.contentType,
    maxBytes: settings.maxInputBytes,
    expiresSeconds: settings.uploadUrlSeconds,
  });
  await deps.uploads.create({
    uploadId,
    owner,
    fileName: request.fileName,
    album: request.album ?? null,
    contentType: request.contentType,
    bytes: request.bytes,
    key,
    createdAt: now.toISOString(),
  });
  return { uploadId, upload, expiresAt: new Date(now.getTime() + settings.uploadUrlSeconds * 1000).toISOString() };
}

/** The caller's upload, or the 404 another owner's, a deleted or an unknown one answers. */
async function ownUpload(owner: string, uploadId: string, deps: UploadsDeps): Promise<UploadWithJobs> {
  const found = await deps.uploads.find(uploadId);
  if (!found || found.upload.owner !== owner || found.upload.deletedAt) throw notFound(uploadId);
  return found;
}

export async function getUpload(owner: string, uploadId: string, deps: UploadsDeps): Promise<UploadView> {
  const { upload, jobs } = await ownUpload(owner, uploadId, deps);
  return describeJob(upload, jobs[0], { presign: presignOutput(deps), withStates: true });
}

export async function listUploads(owner: string, query: ListQuery, deps: UploadsDeps): Promise<{ uploads: UploadView[]; next: string | null }> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const page = await deps.uploads.list(owner, { limit: query.limit, ...(after ? { after } : {}), ...(query.album === undefined ? {} : { album: query.album }) });
  const uploads = await Promise.all(
    page.uploads.map(async (upload) => {
      const found = await deps.uploads.find(upload.uploadId);
      return describeJob(upload, found?.jobs[0], { presign: presignOutput(deps), withStates: false });
    }),
  );
  return { uploads, next: page.next ? encodeCursor(page.next) : null };
}

/** Marks the upload deleted (it leaves the listing at once), then removes the original and every output. */
export async function deleteUpload(owner: string, uploadId: string, deps: UploadsDeps): Promise<void> {
  const { upload, jobs } = await ownUpload(owner, uploadId, deps);
  if (!(await deps.uploads.markDeleted(uploadId, owner, deps.now()))) throw notFound(uploadId);
  await deps.objects.deleteObject(deps.settings.rawBucket, upload.key);
  for (const job of jobs) await removeOutputs(job, deps);
}

async function removeOutputs(job: JobRecord, deps: UploadsDeps): Promise<void> {
  const buckets = new Set((job.outputs ?? []).map((output) => output.bucket));
  for (const bucket of buckets) await deps.objects.deletePrefix(bucket, `${job.jobId}/`);
}

function presignOutput(deps: UploadsDeps) {
  return (bucket: string, key: string) => deps.presigner.download(bucket, key, deps.settings.downloadUrlSeconds);
}
