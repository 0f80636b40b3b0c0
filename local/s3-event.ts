/**
 * The S3 event notification S3 sends for a new object (event structure version 2.1), as the
 * start-workflow function receives it: key URL-encoded with '+' for spaces, ETag without quotes.
 */
import { randomBytes } from 'node:crypto';
import type { S3Event, S3EventRecord } from 'aws-lambda';

export interface CreatedObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** As PutObject returns it; surrounding quotes are removed, as in S3 events. */
  readonly eTag: string;
  readonly versionId?: string;
  readonly region: string;
  readonly eventTime?: Date;
  /** Hex, increasing per key; S3 uses it to order events for the same key. */
  readonly sequencer?: string;
  /** @default 'ObjectCreated:Put' */
  readonly eventName?: 'ObjectCreated:Put' | 'ObjectCreated:Post' | 'ObjectCreated:Copy' | 'ObjectCreated:CompleteMultipartUpload';
}

/** S3 encodes keys in events like a form value: each byte percent-encoded, spaces as '+', '/' kept. */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

export function objectCreatedRecord(object: CreatedObject): S3EventRecord {
  const eventTime = (object.eventTime ?? new Date()).toISOString();
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: object.region,
    eventTime,
    eventName: object.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: {
      'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
      'x-amz-id-2': randomBytes(32).toString('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'start-workflow',
      bucket: {
        name: object.bucket,
        ownerIdentity: { principalId: 'LOCAL' },
        arn: `arn:aws:s3:::${object.bucket}`,
      },
      object: {
        key: encodeEventKey(object.key),
        size: object.size,
        eTag: object.eTag.replace(/^"|"$/g, ''),
        ...(object.versionId ? { versionId: object.versionId } : {}),
        sequencer: object.sequencer ?? Date.now().toString(16).toUpperCase().padStart(16, '0'),
      },
    },
  };
}

export function objectCreatedEvent(objects: readonly CreatedObject[]): S3Event {
  return { Records: objects.map(objectCreatedRecord) };
}
