/**
 * The notifications the local system publishes, read back from the queue it subscribed to both
 * topics, so the runner (and the tests) can check each job was announced once on the right topic.
 */
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A notification as read back from the queue subscribed to both topics. */
export interface ReceivedNotification {
  readonly topic: 'success' | 'error' | 'other';
  readonly topicArn: string;
  readonly jobId?: string;
  readonly message: unknown;
}

export class NotificationInbox {
  private readonly received: ReceivedNotification[] = [];

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly topicArns: { readonly success: string; readonly error: string },
  ) {}

  /**
   * Every notification published so far, read from the queue subscribed to both topics.
   * Messages are deleted as they are read and kept here, so repeated calls see them all.
   */
  async all(): Promise<readonly ReceivedNotification[]> {
    for (let emptyReceives = 0; emptyReceives < 3; ) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 30 }),
      );
      if (Messages.length === 0) {
        const { Attributes = {} } = await this.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
        );
        if (Number(Attributes.ApproximateNumberOfMessages ?? 0) === 0) break;
        emptyReceives += 1;
        continue;
      }
      emptyReceives = 0;
      for (const message of Messages) this.received.push(this.parseNotification(message.Body ?? ''));
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
    return [...this.received];
  }

  private parseNotification(body: string): ReceivedNotification {
    let envelope: { TopicArn?: string; Message?: string } = {};
    try {
      envelope = JSON.parse(body) as typeof envelope;
    } catch {
      // Not an SNS envelope; kept as it is so the cross-check can name it.
    }
    let message: unknown = envelope.Message ?? body;
    try {
      message = JSON.parse(String(envelope.Message));
    } catch {
      // A plain-text message.
    }
    const topicArn = envelope.TopicArn ?? '';
    const topic = topicArn === this.topicArns.success ? 'success' : topicArn === this.topicArns.error ? 'error' : 'other';
    const jobId = findJobId(message);
    return { topic, topicArn, message, ...(jobId ? { jobId } : {}) };
  }
}

function findJobId(message: unknown): string | undefined {
  if (message && typeof message === 'object') {
    const record = message as Record<string, unknown>;
    if (typeof record.jobId === 'string') return record.jobId;
    for (const nested of ['job', 'detail']) {
      const inner = record[nested];
      if (inner && typeof inner === 'object' && typeof (inner as Record<string, unknown>).jobId === 'string') return (inner as Record<string, string>).jobId;
    }
  }
  return undefined;
}
