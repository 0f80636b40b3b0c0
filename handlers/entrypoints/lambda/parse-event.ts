/**
 * Shape checks for what arrives at each entrypoint. The state machine builds these payloads,
 * so a mismatch means a definition and handler out of step: it fails with INVALID_INPUT and a
 * sentence naming the field, rather than deep inside a step.
 */
import type { S3Event } from 'aws-lambda';
import { describeValue } from '../../core/describe';
import { CodedError } from '../../core/errors';
import type { DeriveEvent } from '../../steps/derive-renditions';
import type { NotifyErrorEvent, NotifySuccessEvent } from '../../steps/notify';
import type { OptimizeEvent } from '../../steps/optimize';
import type { UploadRecord } from '../../steps/start-workflow';
import type { IntermediateRendition, JobInput, OutputRecord, RawPointer } from '../../workflow/events';

type Json = Record<string, unknown>;
type Kind = 'string' | 'number' | 'object' | 'array' | 'boolean';

function is(value: unknown, kind: Kind): boolean {
  if (kind === 'array') return Array.isArray(value);
  if (kind === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === kind;
}

function field<T>(record: unknown, path: string, kind: Kind, optional = false): T {
  const name = path.slice(path.lastIndexOf('.') + 1);
  const value = is(record, 'object') ? (record as Json)[name] : undefined;
  if (value === undefined && optional) return undefined as T;
  if (!is(value, kind)) {
    throw new CodedError('INVALID_INPUT', `Expected ${path} to be ${kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`}, but received ${describeValue(value)}.`);
  }
  return value as T;
}

function pointer(record: unknown, path: string) {
  const versionId = field<string | undefined>(record, `${path}.versionId`, 'string', true);
  const etag = field<string | undefined>(record, `${path}.etag`, 'string', true);
  return {
    bucket: field<string>(record, `${path}.bucket`, 'string'),
    key: field<string>(record, `${path}.key`, 'string'),
    ...(versionId ? { versionId } : {}),
    ...(etag ? { etag } : {}),
  };
}

function rawPointer(record: unknown, path: string): RawPointer {
  const channels = field<number>(record, `${path}.channels`, 'number');
  if (channels !== 3 && channels !== 4) {
    throw new CodedError('INVALID_INPUT', `Expected ${path}.channels to be 3 or 4, but received ${channels}.`);
  }
  return {
    ...pointer(record, path),
    width: field<number>(record, `${path}.width`, 'number'),
    height: field<number>(record, `${path}.height`, 'number'),
    channels,
  };
}

function intermediates(record: unknown, path: string): IntermediateRendition[] {
  return field<unknown[]>(record, path, 'array').map((item, index) => {
    const at = `${path}[${index}]`;
    const filter = (item as Json)?.filter;
    return {
      name: field<string>(item, `${at}.name`, 'string'),
      rendition: field<string>(item, `${at}.rendition`, 'string'),
      filter: filter === null ? null : field<string>(item, `${at}.filter`, 'string'),
      raw: rawPointer(field(item, `${at}.raw`, 'object'), `${at}.raw`),
    };
  });
}

/** S3 URL-encodes keys in events, with '+' for spaces. */
function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

export function parseS3Event(event: unknown): UploadRecord[] {
  const records = field<S3Event['Records']>(event, 'event.Records', 'array');
  return records
    .map((record, index) => ({ record, at: `event.Records[${index}]` }))
    .filter(({ record }) => typeof record?.eventName === 'string' && record.eventName.startsWith('ObjectCreated:'))
    .map(({ record, at }) => {
      const s3 = field<Json>(record, `${at}.s3`, 'object');
      const object = field<Json>(s3, `${at}.s3.object`, 'object');
      const etag = field<string | undefined>(object, `${at}.s3.object.eTag`, 'string', true);
      const versionId = field<string | undefined>(object, `${at}.s3.object.versionId`, 'string', true);
      return {
        bucket: field<string>(field(s3, `${at}.s3.bucket`, 'object'), `${at}.s3.bucket.name`, 'string'),
        key: decodeS3Key(field<string>(object, `${at}.s3.object.key`, 'string')),
        size: field<number>(object, `${at}.s3.object.size`, 'number'),
        eventTime: field<string>(record, `${at}.eventTime`, 'string'),
        ...(etag ? { etag } : {}),
        ...(versionId ? { versionId } : {}),
      };
    });
}

export function parseJobEvent(event: unknown): Pick<JobInput, 'jobId' | 'source'> {
  const source = field<Json>(event, 'event.source', 'object');
  return {
    jobId: field<string>(event, 'event.jobId', 'string'),
    source: { ...pointer(source, 'event.source'), size: field<number>(source, 'event.source.size', 'number') },
  };
}

export function parseDeriveEvent(event: unknown): DeriveEvent {
  return {
    jobId: field<string>(event, 'event.jobId', 'string'),
    master: rawPointer(field(event, 'event.master', 'object'), 'event.master'),
  };
}

export function parseOptimizeEvent(event: unknown): OptimizeEvent {
  return {
    jobId: field<string>(event, 'event.jobId', 'string'),
    resized: intermediates(event, 'event.resized'),
    filtered: intermediates(event, 'event.filtered'),
  };
}

export function parseNotifySuccessEvent(event: unknown): NotifySuccessEvent {
  return {
    jobId: field<string>(event, 'event.jobId', 'string'),
    source: pointer(field(event, 'event.source', 'object'), 'event.source'),
    outputs: field<OutputRecord[]>(event, 'event.outputs', 'array'),
  };
}

export function parseNotifyErrorEvent(event: unknown): NotifyErrorEvent {
  const validation = field<NotifyErrorEvent['validation']>(event, 'event.validation', 'object', true);
  const error = field<NotifyErrorEvent['error']>(event, 'event.error', 'object', true);
  return {
    jobId: field<string>(event, 'event.jobId', 'string'),
    source: pointer(field(event, 'event.source', 'object'), 'event.source'),
    ...(validation ? { validation } : {}),
    ...(error ? { error } : {}),
  };
}
