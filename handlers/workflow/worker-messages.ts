/**
 * The messages on the worker's FIFO queues: JSON with a `type` and a `version`, pointers only.
 * `process` comes from the state machine's ProcessOnWorker (it carries the task token the worker
 * reports back with); `reprocess` from the album reprocessing command (and the API), one per
 * upload, grouped by owner/album so an album is reprocessed in upload order.
 */
import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { eventError, isRecord, jsonObject } from '../core/schema-issues';
import type { JobInput } from './events';

export const PROCESS_MESSAGE_VERSION = 1;
export const REPROCESS_MESSAGE_VERSION = 1;

export interface ProcessMessage {
  readonly version: typeof PROCESS_MESSAGE_VERSION;
  readonly type: 'process';
  readonly taskToken: string;
  readonly jobId: string;
  readonly source: JobInput['source'];
  /** ValidateImage's facts about the image; `decodedBytes` is what the worker admits it by. */
  readonly image: { readonly decodedBytes: number };
}

export interface ReprocessMessage {
  readonly version: typeof REPROCESS_MESSAGE_VERSION;
  readonly type: 'reprocess';
  /** One reprocessing request: a job reprocessed under a batch it already recorded is left alone. */
  readonly batchId: string;
  readonly jobId: string;
  /** The preset to apply (JSON, checked by the worker); absent, the configured preset. */
  readonly preset?: unknown;
}

export type WorkerMessage = ProcessMessage | ReprocessMessage;

/** A message as it is sent to a FIFO queue: taken in the order sent within its group, once per deduplication id. */
export interface FifoMessage {
  readonly body: string;
  readonly groupId: string;
  readonly deduplicationId: string;
}

const text = v.pipe(v.string('a string'), v.minLength(1, 'a non-empty string'));
const count = v.pipe(v.number('a number'), v.finite('a number'), v.minValue(0, 'a number of at least 0'));
const record = <const E extends v.ObjectEntries>(entries: E) => jsonObject(entries, 'an object');

const SOURCE = v.pipe(
  record({ bucket: text, key: text, versionId: v.optional(v.string()), etag: v.optional(v.string()), size: count }),
  v.transform(({ versionId, etag, ...rest }) => ({ ...rest, ...(versionId ? { versionId } : {}), ...(etag ? { etag } : {}) })),
);

const PROCESS = record({
  version: v.literal(PROCESS_MESSAGE_VERSION, `version ${PROCESS_MESSAGE_VERSION}`),
  type: v.literal('process', 'process'),
  taskToken: text,
  jobId: text,
  source: SOURCE,
  image: record({ decodedBytes: count }),
});

const REPROCESS = record({
  version: v.literal(REPROCESS_MESSAGE_VERSION, `version ${REPROCESS_MESSAGE_VERSION}`),
  type: v.literal('reprocess', 'reprocess'),
  batchId: text,
  jobId: text,
  preset: v.optional(v.custom<unknown>(isRecord, 'an object')),
});

/**
 * The message a queue body holds. @throws CodedError INVALID_INPUT naming the first field that
 * does not match (a message no worker can take: it is dead-lettered after its deliveries).
 */
export function parseWorkerMessage(body: string | undefined): WorkerMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    parsed = body;
  }
  const schema = isRecord(parsed) && parsed['type'] === 'reprocess' ? REPROCESS : PROCESS;
  const result = v.safeParse(schema, parsed, { abortEarly: true });
  if (!result.success) throw eventError(result.issues);
  return result.output as WorkerMessage;
}

/**
 * The FIFO group of an album's reprocess messages: one group per owner and album, so they are
 * taken in the order they were sent. Group ids admit no space; albums admit no `+`, so this is
 * one-to-one.
 */
export function reprocessGroupId(owner: string, album: string): string {
  return `${owner}/${album.replace(/ /g, '+')}`;
}

/**
 * A reprocess message's deduplication id, from the batch and the upload (as the API contract
 * says): the same upload in the same batch is one message, however often sent.
 */
export function reprocessDeduplicationId(batchId: string, uploadId: string): string {
  return createHash('sha256').update(`${batchId}\n${uploadId}`).digest('hex');
}

/** A reprocess message's body, for the command (and the API) that enqueues them. */
export function reprocessMessage(batchId: string, jobId: string, preset?: unknown): ReprocessMessage {
  return { version: REPROCESS_MESSAGE_VERSION, type: 'reprocess', batchId, jobId, ...(preset === undefined ? {} : { preset }) };
}
