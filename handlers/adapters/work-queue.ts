/**
 * One of the worker's FIFO queues over SQS: long-polled receives with the attributes the worker
 * needs (the group it keeps in order, how often the message was delivered), visibility changes
 * (extend while working, 0 to release), deletes; and, for those who enqueue (album
 * reprocessing), sends in order, in batches of SQS's 10.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { CodedError } from '../core/errors';
import type { FifoMessage } from '../workflow/worker-messages';
import { toAdapterError } from './aws-errors';

export interface QueueMessage {
  readonly queueUrl: string;
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly groupId: string;
  /** 1 on the first delivery. */
  readonly receiveCount: number;
}

/** SQS's limits on one ReceiveMessage call. */
export const MAX_MESSAGES_PER_RECEIVE = 10;
export const MAX_WAIT_SECONDS = 20;
/** SQS's limit on one SendMessageBatch call. */
export const MAX_MESSAGES_PER_SEND = 10;

export class SqsWorkQueue {
  constructor(
    private readonly client: SQSClient,
    readonly url: string,
  ) {}

  /** Waits up to `waitSeconds` for at most `max` messages; aborting `signal` ends the wait with none. */
  async receive(max: number, waitSeconds: number, signal: AbortSignal): Promise<QueueMessage[]> {
    let messages: Message[];
    try {
      const response = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.url,
          MaxNumberOfMessages: Math.min(max, MAX_MESSAGES_PER_RECEIVE),
          WaitTimeSeconds: Math.min(waitSeconds, MAX_WAIT_SECONDS),
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId'],
        }),
        { abortSignal: signal },
      );
      messages = response.Messages ?? [];
    } catch (error) {
      if (signal.aborted) return [];
      throw toAdapterError('SQS ReceiveMessage', error);
    }
    return messages.map((message) => this.toQueueMessage(message));
  }

  async changeVisibility(message: QueueMessage, seconds: number): Promise<void> {
    try {
      await this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.url, ReceiptHandle: message.receiptHandle, VisibilityTimeout: seconds }));
    } catch (error) {
      throw toAdapterError('SQS ChangeMessageVisibility', error);
    }
  }

  async delete(message: QueueMessage): Promise<void> {
    try {
      await this.client.send(new DeleteMessageCommand({ QueueUrl: this.url, ReceiptHandle: message.receiptHandle }));
    } catch (error) {
      throw toAdapterError('SQS DeleteMessage', error);
    }
  }

  /** One batch after another, so a FIFO group receives them in this order; a refused entry stops the sending. */
  async sendInOrder(messages: readonly FifoMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += MAX_MESSAGES_PER_SEND) {
      const entries = messages.slice(start, start + MAX_MESSAGES_PER_SEND).map((message, index) => ({
        Id: String(index),
        MessageBody: message.body,
        MessageGroupId: message.groupId,
        MessageDeduplicationId: message.deduplicationId,
      }));
      let failed;
      try {
        failed = (await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.url, Entries: entries }))).Failed ?? [];
      } catch (error) {
        throw toAdapterError('SQS SendMessageBatch', error);
      }
      if (failed.length > 0) {
        const reasons = failed.map((failure) => `${failure.Code ?? 'unknown'}: ${failure.Message ?? 'no message'}`).join('; ');
        throw new CodedError(failed.some((failure) => failure.SenderFault) ? 'INTERNAL' : 'TRANSIENT', `Expected ${this.url} to take all ${entries.length} messages of a batch, but it refused ${failed.length} (${reasons}).`);
      }
    }
  }

  private toQueueMessage(message: Message): QueueMessage {
    const attributes = message.Attributes ?? {};
    if (!message.MessageId || !message.ReceiptHandle) {
      throw new CodedError('INTERNAL', `Expected every message from ${this.url} to have an id and a receipt handle, but one has neither.`);
    }
    return {
      queueUrl: this.url,
      messageId: message.MessageId,
      receiptHandle: message.ReceiptHandle,
      body: message.Body ?? '',
      groupId: attributes.MessageGroupId ?? '',
      receiveCount: Number(attributes.ApproximateReceiveCount ?? '1'),
    };
  }
}
