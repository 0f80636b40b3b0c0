/**
 * Schemas of what arrives at each entrypoint: the S3 notification, and the payloads the state
 * machine builds (events.ts). A payload that does not match means a definition and a handler
 * out of step, so each field is checked for its type and nothing more; fields the handlers do
 * not read are dropped.
 */
import * as v from 'valibot';
import { isRecord, jsonObject } from '../core/schema-issues';
import type { OutputRecord, ValidationResult } from './events';
import type { FailedState } from './failure';

const text = v.string('a string');
const count = v.pipe(v.number('a number'), v.finite('a number'));
const record = <const E extends v.ObjectEntries>(entries: E) => jsonObject(entries, 'an object');
const list = <const S extends v.GenericSchema>(item: S) => v.array(item, 'an array');
/** Passed on as they are: the state machine copies them from an earlier step's own result. */
const opaque = <T>(check: (value: unknown) => boolean, expected: string) => v.custom<T>(check, expected);

/** An empty version id or ETag pins nothing, so it is left out rather than passed on. */
function pinned<T extends { readonly versionId?: string | undefined; readonly etag?: string | undefined }>(pointer: T) {
  const { versionId, etag, ...rest } = pointer;
  return { ...rest, ...(versionId ? { versionId } : {}), ...(etag ? { etag } : {}) };
}

const POINTER_ENTRIES = { bucket: text, key: text, versionId: v.optional(text), etag: v.optional(text) };

const pointer = <const E extends v.ObjectEntries>(entries: E) =>
  v.pipe(record({ ...POINTER_ENTRIES, ...entries }), v.transform(pinned));

const RAW_POINTER = pointer({ width: count, height: count, channels: v.picklist([3, 4], '3 or 4') });

const INTERMEDIATES = list(
  record({ name: text, rendition: text, filter: v.union([text, v.null()], 'a string or null'), raw: RAW_POINTER }),
);

/** S3 URL-encodes keys in events, with '+' for spaces. */
function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

const OBJECT_CREATED = v.pipe(
  record({
    eventTime: text,
    s3: record({
      bucket: record({ name: text }),
      object: record({ key: v.pipe(text, v.transform(decodeS3Key)), size: count, eTag: v.optional(text), versionId: v.optional(text) }),
    }),
  }),
  v.transform(({ eventTime, s3: { bucket, object } }) =>
    pinned({ bucket: bucket.name, key: object.key, size: object.size, eventTime, etag: object.eTag, versionId: object.versionId }),
  ),
);

function isObjectCreated(record: unknown): boolean {
  return isRecord(record) && typeof record['eventName'] === 'string' && record['eventName'].startsWith('ObjectCreated:');
}

/**
 * The uploads an S3 notification reports. Records of other events are skipped, not checked, and
 * an error names a record by its place in the event.
 */
export const S3_EVENT_SCHEMA = v.pipe(
  record({ Records: list(v.lazy((item) => (isObjectCreated(item) ? OBJECT_CREATED : v.pipe(v.unknown(), v.transform(() => null))))) }),
  v.transform(({ Records }) => Records.filter((upload) => upload !== null)),
);

export const JOB_EVENT_SCHEMA = record({ jobId: text, source: pointer({ size: count }) });

export const DERIVE_EVENT_SCHEMA = record({ jobId: text, master: RAW_POINTER });

export const OPTIMIZE_EVENT_SCHEMA = record({ jobId: text, resized: INTERMEDIATES, filtered: INTERMEDIATES });

export const NOTIFY_SUCCESS_EVENT_SCHEMA = record({
  jobId: text,
  source: pointer({}),
  outputs: opaque<OutputRecord[]>(Array.isArray, 'an array'),
});

export const NOTIFY_ERROR_EVENT_SCHEMA = record({
  jobId: text,
  source: pointer({}),
  validation: v.optional(opaque<ValidationResult>(isRecord, 'an object')),
  error: v.optional(opaque<NonNullable<FailedState['error']>>(isRecord, 'an object')),
});

const EXECUTION_STATUS_CHANGE = v.pipe(
  record({
    'detail-type': v.literal('Step Functions Execution Status Change', 'Step Functions Execution Status Change'),
    detail: record({
      name: text,
      status: v.picklist(['FAILED', 'TIMED_OUT', 'ABORTED'], 'FAILED, TIMED_OUT or ABORTED'),
      input: v.optional(v.nullable(text)),
      error: v.optional(v.nullable(text)),
      cause: v.optional(v.nullable(text)),
    }),
  }),
  v.transform(({ detail }) => ({
    kind: 'closed' as const,
    // The job id is in the execution's input; the execution is named after it too.
    jobId: jobIdOf(detail.input) ?? detail.name,
    status: detail.status,
    ...(detail.error ? { error: detail.error } : {}),
    ...(detail.cause ? { cause: detail.cause } : {}),
  })),
);

const SCHEDULED = v.pipe(
  record({ 'detail-type': v.literal('Scheduled Event', 'Scheduled Event'), time: text }),
  v.transform(({ time }) => ({ kind: 'sweep' as const, time })),
);

function jobIdOf(input: string | null | undefined): string | undefined {
  try {
    const parsed: unknown = JSON.parse(input ?? '');
    return isRecord(parsed) && typeof parsed['jobId'] === 'string' ? parsed['jobId'] : undefined;
  } catch {
    return undefined;
  }
}

/** What the reconciler receives from EventBridge: an execution that ended badly, or its schedule. */
export const RECONCILE_EVENT_SCHEMA = v.lazy((event) =>
  isRecord(event) && event['detail-type'] === 'Scheduled Event' ? SCHEDULED : EXECUTION_STATUS_CHANGE,
);
