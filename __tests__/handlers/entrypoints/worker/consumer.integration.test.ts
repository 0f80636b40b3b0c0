/**
 * The worker's consumer on fauxqs's FIFO queues: a job that runs past the visibility timeout is
 * kept hidden by the consumer extending it (another consumer polling all along never sees it),
 * it is deleted once, and its task gets heartbeats at the interval the handler is given.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SqsWorkQueue, type QueueMessage } from '../../../../handlers/adapters/work-queue';
import { QueueConsumer, type MessageVerdict } from '../../../../handlers/entrypoints/worker/consumer';
import { messageHandler, type WorkerServices } from '../../../../handlers/entrypoints/worker/handle-message';
import type { HeavyJobDeps } from '../../../../handlers/steps/process-heavy';
import { createAdmission } from '../../../../handlers/runtime/admission';
import { useEmulators } from '../../../support/emulators';

useEmulators();
jest.setTimeout(60_000);

const VISIBILITY_SECONDS = 2;
const QUIET = { info: () => {}, warn: () => {}, error: () => {} };
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  sqs = new SQSClient({});
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'long-jobs.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: String(VISIBILITY_SECONDS) } }))).QueueUrl!;
});
afterAll(() => sqs.destroy());

function consumer(handle: (message: QueueMessage) => Promise<MessageVerdict>): QueueConsumer {
  return new QueueConsumer({ queues: [new SqsWorkQueue(sqs, queueUrl)], visibilitySeconds: VISIBILITY_SECONDS, admission: createAdmission(100), weigh: async () => 1, handle, log: QUIET, waitSeconds: 1 });
}

it('keeps a job that runs three visibility timeouts hidden from another consumer, and deletes it once', async () => {
  const taken: string[] = [];
  const holder = consumer(async (message) => {
    taken.push(`holder:${message.receiveCount}`);
    await new Promise((wake) => setTimeout(wake, VISIBILITY_SECONDS * 3 * 1000));
    return 'done';
  });
  holder.start();
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'long', MessageGroupId: 'g', MessageDeduplicationId: 'long-1' }));
  await new Promise((wake) => setTimeout(wake, 1500));
  const other = consumer(async (message) => {
    taken.push(`other:${message.receiveCount}`);
    return 'done';
  });
  other.start();
  await new Promise((wake) => setTimeout(wake, VISIBILITY_SECONDS * 3 * 1000));
  const [heldReport, otherReport] = await Promise.all([holder.stop(10_000), other.stop(10_000)]);
  expect(taken).toEqual(['holder:1']);
  expect(heldReport.unfinished + otherReport.unfinished).toBe(0);
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  expect([Attributes.ApproximateNumberOfMessages, Attributes.ApproximateNumberOfMessagesNotVisible]).toEqual(['0', '0']);
});

it('sends task heartbeats while a process job runs, at the interval it is given', async () => {
  const beats: number[] = [];
  const started = Date.now();
  // A job store that takes 2.2 s to answer that the job is not recorded: the job runs that long, then fails.
  const slowJobs = { get: () => new Promise((answer) => setTimeout(() => answer(undefined), 2200)) };
  const handle = messageHandler({
    heavy: { jobs: slowJobs } as unknown as HeavyJobDeps,
    reprocess: {} as unknown as WorkerServices['reprocess'],
    callbacks: {
      heartbeat: async () => {
        beats.push(Date.now() - started);
        return 'ok';
      },
      succeed: async () => 'ok',
      fail: async () => 'ok',
    },
    heartbeatEverySeconds: 0.5,
    maxReceiveCount: 3,
    presetOf: () => {
      throw new Error('unused');
    },
  });
  const body = JSON.stringify({ version: 1, type: 'process', taskToken: 't', jobId: 'job-1', source: { bucket: 'b', key: 'k', size: 1 }, image: { decodedBytes: 1 } });
  const running = handle({ messageId: 'm', queueUrl, receiptHandle: 'r', body, groupId: 'job-1', receiveCount: 1 } as QueueMessage);
  await expect(running).rejects.toThrow(/Expected job job-1 to be recorded/);
  // One before the job starts, then one every 0.5 s of the 2.2 s it runs.
  expect(beats.length).toBeGreaterThanOrEqual(4);
  expect(beats.length).toBeLessThanOrEqual(6);
});
