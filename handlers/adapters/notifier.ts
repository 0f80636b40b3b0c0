/**
 * Job outcomes published to SNS: successes to one topic, failures to another, so subscribers
 * pick the stream they care about. The message is JSON with a documented, versionless schema
 * (fields are only ever added); the `status` and `errorCode` message attributes let a
 * subscription filter without parsing the body (e.g. `{"errorCode": ["TOO_LARGE"]}`).
 * Delivery is at least once: a retried step publishes again, so consumers dedupe on `jobId`.
 */
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { CodedError } from '../core/errors';
import type { JobError, ObjectPointer, OutputRecord } from '../workflow/events';
import { toAdapterError } from './aws-errors';

/** Published to the success topic. */
export interface ImageProcessedMessage {
  readonly type: 'image.processed';
  readonly jobId: string;
  readonly source: ObjectPointer;
  readonly outputs: readonly OutputRecord[];
  /** ISO-8601 time of publishing. */
  readonly at: string;
}

/** Published to the error topic. */
export interface ImageFailedMessage {
  readonly type: 'image.failed';
  readonly jobId: string;
  readonly source: ObjectPointer;
  readonly error: JobError;
  /** ISO-8601 time of publishing. */
  readonly at: string;
}

export type JobNotification = ImageProcessedMessage | ImageFailedMessage;

/** Each function publishes to one topic only, so it is given only that topic's ARN. */
export interface NotifierTopics {
  readonly successTopicArn?: string;
  readonly errorTopicArn?: string;
}

/** SNS subjects: at most 100 printable ASCII characters, no line breaks. */
const MAX_SUBJECT_LENGTH = 99;

export class SnsNotifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topics: NotifierTopics,
  ) {}

  async jobSucceeded(event: { jobId: string; source: ObjectPointer; outputs: OutputRecord[] }): Promise<{ messageId?: string }> {
    const message: ImageProcessedMessage = {
      type: 'image.processed',
      jobId: event.jobId,
      source: pointerOnly(event.source),
      outputs: event.outputs,
      at: new Date().toISOString(),
    };
    return this.publish(topicArn(this.topics.successTopicArn, 'success'), message, `Image processed: ${fileName(event.source)}`, {
      status: text('SUCCEEDED'),
    });
  }

  async jobFailed(event: { jobId: string; source: ObjectPointer; error: JobError }): Promise<{ messageId?: string }> {
    const error: JobError = { code: event.error.code, message: event.error.message };
    const message: ImageFailedMessage = {
      type: 'image.failed',
      jobId: event.jobId,
      source: pointerOnly(event.source),
      error,
      at: new Date().toISOString(),
    };
    return this.publish(topicArn(this.topics.errorTopicArn, 'error'), message, `Image failed (${error.code}): ${fileName(event.source)}`, {
      status: text('FAILED'),
      errorCode: text(error.code),
    });
  }

  private async publish(
    topicArn: string,
    message: JobNotification,
    subject: string,
    attributes: Record<string, MessageAttributeValue>,
  ): Promise<{ messageId?: string }> {
    try {
      const response = await this.client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify(message),
          Subject: toSubject(subject),
          MessageAttributes: attributes,
        }),
      );
      return response.MessageId ? { messageId: response.MessageId } : {};
    } catch (error) {
      throw toAdapterError('SNS Publish', error);
    }
  }
}

function topicArn(arn: string | undefined, kind: 'success' | 'error'): string {
  if (!arn) throw new CodedError('INTERNAL', `Expected this notifier to have the ${kind} topic's ARN, but it was built without it.`);
  return arn;
}

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

/** The schema's `source`: callers may pass a richer object (size, etag); only the pointer is published. */
function pointerOnly(source: ObjectPointer): ObjectPointer {
  return { bucket: source.bucket, key: source.key, ...(source.versionId ? { versionId: source.versionId } : {}) };
}

function fileName(source: ObjectPointer): string {
  return source.key.slice(source.key.lastIndexOf('/') + 1) || source.key;
}

/** Replaces what SNS rejects in a subject (non-ASCII, control characters) and shortens it. */
export function toSubject(raw: string): string {
  const printable = raw.replace(/[^\x20-\x7e]/g, '?').trim();
  return printable.length <= MAX_SUBJECT_LENGTH ? printable : `${printable.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}
