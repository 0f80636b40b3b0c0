import { ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { SnsNotifier, toSubject } from '../../../handlers/adapters/notifier';
import type { OutputRecord } from '../../../handlers/workflow/events';
import { useEmulators } from '../../support/emulators';
import { startFixedResponseServer } from '../../support/fixed-response-server';

const emulators = useEmulators();

let sns: SNSClient;
let sqs: SQSClient;
let notifier: SnsNotifier;
const queues: Record<string, string> = {};

beforeAll(() => {
  const { fauxqs } = emulators.current;
  const successTopicArn = fauxqs.createTopic('adapter-success').topicArn;
  const errorTopicArn = fauxqs.createTopic('adapter-errors').topicArn;
  for (const name of ['success-raw', 'success-envelope', 'errors-raw', 'errors-too-large']) {
    queues[name] = fauxqs.createQueue(name).queueUrl;
  }
  fauxqs.subscribe({ topic: 'adapter-success', queue: 'success-raw', attributes: { RawMessageDelivery: 'true' } });
  fauxqs.subscribe({ topic: 'adapter-success', queue: 'success-envelope' });
  fauxqs.subscribe({ topic: 'adapter-errors', queue: 'errors-raw', attributes: { RawMessageDelivery: 'true' } });
  fauxqs.subscribe({
    topic: 'adapter-errors',
    queue: 'errors-too-large',
    attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ errorCode: ['TOO_LARGE'] }) },
  });
  sns = new SNSClient({});
  // fauxqs names queues by host (sqs.<region>.localhost); address them through the configured endpoint.
  sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  notifier = new SnsNotifier(sns, { successTopicArn, errorTopicArn });
});

afterAll(() => {
  sns.destroy();
  sqs.destroy();
});

async function receive(queue: string): Promise<Message[]> {
  const response = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queues[queue], MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }),
  );
  return response.Messages ?? [];
}

const OUTPUTS: OutputRecord[] = [
  { name: 'thumb', filter: null, format: 'webp', width: 320, height: 213, bytes: 8123, bucket: 'processed', key: 'job-1/thumb.webp' },
  { name: 'medium-grayscale', filter: 'grayscale', format: 'webp', width: 1024, height: 683, bytes: 40211, bucket: 'processed', key: 'job-1/medium-grayscale.webp' },
];

describe('SnsNotifier', () => {
  it('publishes a success as image.processed JSON with a status attribute', async () => {
    const before = Date.now();
    const source = { bucket: 'raw', key: 'uploads/holiday/beach.jpg', versionId: 'v1', size: 123, etag: '"e"' };
    const { messageId } = await notifier.jobSucceeded({ jobId: 'job-1', source, outputs: OUTPUTS });
    expect(messageId).toEqual(expect.any(String));

    const [raw, ...rest] = await receive('success-raw');
    expect(rest).toEqual([]);
    const message = JSON.parse(raw?.Body ?? '{}') as Record<string, unknown>;
    expect(message).toEqual({
      type: 'image.processed',
      jobId: 'job-1',
      source: { bucket: 'raw', key: 'uploads/holiday/beach.jpg', versionId: 'v1' },
      outputs: OUTPUTS,
      at: expect.any(String),
    });
    expect(Date.parse(String(message.at))).toBeGreaterThanOrEqual(before - 1000);
    expect(raw?.MessageAttributes).toEqual({ status: { DataType: 'String', StringValue: 'SUCCEEDED' } });

    const [envelope] = await receive('success-envelope');
    const notification = JSON.parse(envelope?.Body ?? '{}') as Record<string, unknown>;
    expect(notification).toMatchObject({
      Type: 'Notification',
      Subject: 'Image processed: beach.jpg',
      MessageAttributes: { status: { Type: 'String', Value: 'SUCCEEDED' } },
    });
    expect(JSON.parse(String(notification.Message))).toEqual(message);
  });

  it('publishes a failure as image.failed JSON with status and errorCode attributes a filter policy can match', async () => {
    await notifier.jobFailed({
      jobId: 'job-2',
      source: { bucket: 'raw', key: 'uploads/broken.png' },
      error: { code: 'CORRUPT', message: 'The PNG data ends before the image does.' },
    });
    await notifier.jobFailed({
      jobId: 'job-3',
      source: { bucket: 'raw', key: 'uploads/huge.tif' },
      error: { code: 'TOO_LARGE', message: 'Expected at most 52428800 bytes, but it declares 60000000 bytes.' },
    });

    const all = await receive('errors-raw');
    expect(all.map((message) => JSON.parse(message.Body ?? '{}') as Record<string, unknown>)).toEqual([
      {
        type: 'image.failed',
        jobId: 'job-2',
        source: { bucket: 'raw', key: 'uploads/broken.png' },
        error: { code: 'CORRUPT', message: 'The PNG data ends before the image does.' },
        at: expect.any(String),
      },
      expect.objectContaining({ type: 'image.failed', jobId: 'job-3', error: expect.objectContaining({ code: 'TOO_LARGE' }) }),
    ]);
    expect(all[0]?.MessageAttributes).toEqual({
      status: { DataType: 'String', StringValue: 'FAILED' },
      errorCode: { DataType: 'String', StringValue: 'CORRUPT' },
    });

    const filtered = await receive('errors-too-large');
    expect(filtered.map((message) => (JSON.parse(message.Body ?? '{}') as { jobId: string }).jobId)).toEqual(['job-3']);
  });

  it('maps SNS throttling to TRANSIENT', async () => {
    // SNS speaks the query protocol: errors come back as XML.
    const server = await startFixedResponseServer({
      status: 400,
      contentType: 'text/xml',
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>',
    });
    const throttled = new SNSClient({ endpoint: server.endpoint, maxAttempts: 1 });
    try {
      await expect(
        new SnsNotifier(throttled, { successTopicArn: 'arn:aws:sns:us-east-1:000000000000:s', errorTopicArn: 'arn:aws:sns:us-east-1:000000000000:e' })
          .jobSucceeded({ jobId: 'job-4', source: { bucket: 'raw', key: 'k.jpg' }, outputs: [] }),
      ).rejects.toMatchObject({ code: 'TRANSIENT', cause: { name: 'Throttling' } });
    } finally {
      throttled.destroy();
      await server.close();
    }
  });
});

describe('toSubject', () => {
  it('keeps short ASCII subjects', () => {
    expect(toSubject('Image processed: beach.jpg')).toBe('Image processed: beach.jpg');
  });

  it('replaces what SNS rejects and stays under 100 characters', () => {
    expect(toSubject('Image failed (CORRUPT): café\nmenu.jpg')).toBe('Image failed (CORRUPT): caf??menu.jpg');
    const long = toSubject(`Image processed: ${'x'.repeat(200)}.jpg`);
    expect(long).toHaveLength(99);
    expect(long.endsWith('...')).toBe(true);
  });
});
