/**
 * S3 objects as the steps need them: read an upload whole (bounded by the size limit), write
 * outputs, list and delete a job's prefix. The S3Client is injected so every runtime shares one
 * client per process and reaches S3 (or an emulator) through standard SDK configuration.
 * No image logic here: bytes in, bytes out.
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { CodedError } from '../core/errors';
import type { ByteRange, ObjectPointer } from '../workflow/events';
import { toAdapterError } from './aws-errors';

/** Part size for multipart uploads: 8 MiB, above S3's 5 MiB minimum. */
const UPLOAD_PART_BYTES = 8 * 1024 * 1024;
const UPLOAD_PARTS_IN_FLIGHT = 4;

export interface PutOptions {
  readonly contentType: string;
  readonly cacheControl?: string;
  /** User metadata (`x-amz-meta-*`). */
  readonly metadata?: Record<string, string>;
}

export interface S3ObjectStoreOptions {
  /**
   * Keys per ListObjectsV2 page and per DeleteObjects call in `deletePrefix`, 1 to 1000.
   * Smaller values exist so tests can cross page boundaries with few objects.
   * @default 1000 (the most DeleteObjects accepts)
   */
  readonly deleteBatchSize?: number;
}

/** DeleteObjects accepts at most 1000 keys, which is also ListObjectsV2's largest page. */
const MAX_DELETE_BATCH_SIZE = 1000;

export class S3ObjectStore {
  private readonly deleteBatchSize: number;

  constructor(
    private readonly client: S3Client,
    options: S3ObjectStoreOptions = {},
  ) {
    const batchSize = options.deleteBatchSize ?? MAX_DELETE_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_DELETE_BATCH_SIZE) {
      throw new CodedError('INTERNAL', `Expected deleteBatchSize to be a whole number from 1 to ${MAX_DELETE_BATCH_SIZE}, but received ${batchSize}.`);
    }
    this.deleteBatchSize = batchSize;
  }

  /**
   * The object's bytes, in one GetObject (no HEAD first: one request, and no window for the
   * object to change between two). A declared length above `maxBytes` fails with TOO_LARGE
   * before any of the body is read; a body that turns out longer than `maxBytes` is aborted as
   * soon as it crosses the limit, so memory never holds more than the limit.
   */
  async getBytes(pointer: ObjectPointer, options: { maxBytes: number; range?: ByteRange }): Promise<Buffer> {
    const { maxBytes, range } = options;
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: pointer.bucket,
          Key: pointer.key,
          VersionId: pointer.versionId,
          // Without a version id, the ETag is what keeps a quick overwrite from being read instead.
          IfMatch: pointer.versionId || !pointer.etag ? undefined : quoted(pointer.etag),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      const body = response.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
      const declared = response.ContentLength;
      if (declared !== undefined && declared > maxBytes) {
        body?.destroy?.(); // Release the connection without downloading the body.
        throw tooLarge(pointer, maxBytes, `declares ${declared} bytes`);
      }
      if (!body) return Buffer.alloc(0);
      return declared === undefined ? await readUnsized(body, pointer, maxBytes) : await readSized(body, pointer, declared);
    } catch (error) {
      throw objectReadError(pointer, error) ?? toAdapterError('S3 GetObject', error);
    }
  }

  /**
   * Bodies up to one part go up in a single PutObject; larger ones (a tall working image is
   * easily 17 MB) as a multipart upload, which also keeps each request small enough to retry.
   */
  async put(pointer: { bucket: string; key: string }, body: Buffer, options: PutOptions): Promise<{ etag?: string }> {
    try {
      const upload = new Upload({
        client: this.client,
        partSize: UPLOAD_PART_BYTES,
        queueSize: UPLOAD_PARTS_IN_FLIGHT,
        params: {
          Bucket: pointer.bucket,
          Key: pointer.key,
          Body: body,
          ContentType: options.contentType,
          CacheControl: options.cacheControl,
          Metadata: options.metadata,
        },
      });
      const response = await upload.done();
      return response.ETag ? { etag: response.ETag } : {};
    } catch (error) {
      throw toAdapterError('S3 PutObject', error);
    }
  }

  /** Every object under `prefix`, in key order. */
  async list(bucket: string, prefix: string): Promise<{ key: string; size: number }[]> {
    const objects: { key: string; size: number }[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined) objects.push({ key: object.Key, size: object.Size ?? 0 });
        }
      }
    } catch (error) {
      throw toAdapterError('S3 ListObjectsV2', error);
    }
    return objects;
  }

  /**
   * Deletes every object under `prefix` (a failed job's partial outputs and scratch files) and
   * returns how many were deleted. Each listed page (at most `deleteBatchSize` keys) is deleted
   * in one DeleteObjects call before the next page is listed, so memory stays flat for any
   * prefix; continuation tokens mark a position by key, so deleting behind the cursor skips
   * nothing. An empty `prefix` is refused: it would empty the whole bucket.
   */
  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    if (prefix === '') {
      throw new CodedError('INTERNAL', `Expected a non-empty prefix to delete in bucket ${bucket}, but received an empty one (it would delete the whole bucket).`);
    }
    let deleted = 0;
    try {
      const pages = paginateListObjectsV2({ client: this.client, pageSize: this.deleteBatchSize }, { Bucket: bucket, Prefix: prefix });
      for await (const page of pages) {
        const keys = (page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key]));
        if (keys.length > 0) deleted += await this.deleteBatch(bucket, keys);
      }
    } catch (error) {
      throw toAdapterError('S3 ListObjectsV2', error); // Errors from deleteBatch are already mapped and pass through.
    }
    return deleted;
  }

  /** Deletes these keys (a missing one is no error), at most `deleteBatchSize` per DeleteObjects call. */
  async deleteKeys(bucket: string, keys: readonly string[]): Promise<number> {
    let deleted = 0;
    for (let start = 0; start < keys.length; start += this.deleteBatchSize) deleted += await this.deleteBatch(bucket, keys.slice(start, start + this.deleteBatchSize));
    return deleted;
  }

  /** Deletes one object (in a versioned bucket: adds a delete marker; a lifecycle rule expires the old version). */
  async deleteObject(bucket: string, key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      throw toAdapterError('S3 DeleteObject', error);
    }
  }

  /** One DeleteObjects call. S3 answers 200 even when some keys fail, so the per-key errors are checked. */
  private async deleteBatch(bucket: string, keys: readonly string[]): Promise<number> {
    try {
      const response = await this.client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      );
      const failure = response.Errors?.[0];
      if (failure) throw deleteFailure(bucket, response.Errors?.length ?? 1, failure);
      return keys.length;
    } catch (error) {
      throw toAdapterError('S3 DeleteObjects', error);
    }
  }
}

/** Fills a buffer preallocated from Content-Length: one allocation, no concatenation. */
async function readSized(body: AsyncIterable<Uint8Array>, pointer: ObjectPointer, declared: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(declared);
  let offset = 0;
  for await (const chunk of body) {
    // Leaving the loop by throwing destroys the stream, which aborts the download.
    if (offset + chunk.byteLength > declared) {
      throw new CodedError('TRANSIENT', `Expected ${describePointer(pointer)} to hold the ${declared} bytes S3 declared, but more arrived; a retry may succeed.`);
    }
    buffer.set(chunk, offset);
    offset += chunk.byteLength;
  }
  if (offset < declared) {
    throw new CodedError('TRANSIENT', `Expected ${describePointer(pointer)} to hold the ${declared} bytes S3 declared, but the download ended after ${offset}; a retry may succeed.`);
  }
  return buffer;
}

/** Without a declared length (chunked encoding), count as the chunks arrive. */
async function readUnsized(body: AsyncIterable<Uint8Array>, pointer: ObjectPointer, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge(pointer, maxBytes, `sent more than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(pointer: ObjectPointer, maxBytes: number, actual: string): CodedError {
  return new CodedError('TOO_LARGE', `Expected ${describePointer(pointer)} to be at most ${maxBytes} bytes, but it ${actual}.`);
}

/** One DeleteObjects entry's failure, named by its S3 code so toAdapterError can classify it. */
function deleteFailure(bucket: string, count: number, failure: { Key?: string; Code?: string; Message?: string }): Error {
  const error = new Error(
    `Expected every object to be deleted from bucket ${bucket}, but ${count} could not be, e.g. ${failure.Key ?? '(unknown key)'}: ${failure.Message ?? 'no message'}.`,
  );
  error.name = failure.Code ?? 'DeleteObjectsError';
  return error;
}

function describePointer(pointer: ObjectPointer): string {
  return `s3://${pointer.bucket}/${pointer.key}${pointer.versionId ? ` (version ${pointer.versionId})` : ''}`;
}

/** A missing object, or one replaced since its event, as the stable codes steps and records use. */
function objectReadError(pointer: ObjectPointer, error: unknown): CodedError | undefined {
  const { name, $metadata } = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
  const where = `s3://${pointer.bucket}/${pointer.key}`;
  if (name === 'NoSuchKey' || name === 'NoSuchVersion' || $metadata?.httpStatusCode === 404) {
    return new CodedError('OBJECT_MISSING', `Expected ${where}${pointer.versionId ? ` (version ${pointer.versionId})` : ''} to exist, but it is gone.`, { cause: error });
  }
  if (name === 'PreconditionFailed' || $metadata?.httpStatusCode === 412) {
    return new CodedError('SOURCE_CHANGED', `Expected ${where} to be the upload its event announced (ETag ${pointer.etag}), but it has been overwritten since; the newer upload is processed as a job of its own.`, { cause: error });
  }
  return undefined;
}

/** S3 events give ETags bare; HTTP's If-Match wants them quoted. */
function quoted(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}
