/**
 * SqsWorkQueue.sendInOrder on fauxqs: more messages than one SendMessageBatch takes arrive in the
 * order given, with their group and deduplication ids; a batch SQS refuses part of is an error
 * naming the refusals, not a silent loss.
 */
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { MAX_MESSAGES_PER_SEND, SqsWorkQueue } from '../../../handlers/adapters/work-queue';
import { useEmulators } from '../../support/emulators';

useEmulators();
let sqs: SQSClient;
beforeAll(() => {
  sqs = new SQSClient({});
});
afterAll(() => sqs.destroy());

it('sends in batches of at most 10, in the order given', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'ordered.fifo', Attributes: { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' } }));
  const messages = Array.from({ length: 2 * MAX_MESSAGES_PER_SEND + 3 }, (_, index) => ({ body: `message ${index}`, groupId: 'alice/Album', deduplicationId: `dedup-${index}` }));
  await new SqsWorkQueue(sqs, QueueUrl!).sendInOrder(messages);
  const received: Message[] = [];
  for (;;) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'] }));
    if (!Messages?.length) break;
    received.push(...Messages);
    for (const message of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
  }
  expect(received.map((message) => ({ body: message.Body, groupId: message.Attributes?.MessageGroupId, deduplicationId: message.Attributes?.MessageDeduplicationId }))).toEqual(messages);
});

it('throws, naming what SQS refused, when a batch is not taken whole', async () => {
  const refusing = { send: async () => ({ Successful: [], Failed: [{ Id: '0', Code: 'InvalidParameterValue', Message: 'The message is too big', SenderFault: true }] }) };
  const queue = new SqsWorkQueue(refusing as unknown as SQSClient, 'https://sqs.example/queue.fifo');
  await expect(queue.sendInOrder([{ body: 'x', groupId: 'g', deduplicationId: 'd' }])).rejects.toMatchObject({
    code: 'INTERNAL',
    message: 'Expected https://sqs.example/queue.fifo to take all 1 messages of a batch, but it refused 1 (InvalidParameterValue: The message is too big).',
  });
});
