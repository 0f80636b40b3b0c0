/**
 * `npm run reprocess` on the emulators: one message per upload of the album with a SUCCEEDED job,
 * oldest first, in the album's FIFO group, deduplicated by batch and upload; usage mistakes exit 2.
 */
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { jobsTableDefinition, jobUploadSort, JOBS_TABLE_SCHEMA } from '../../../handlers/adapters/job-table';
import { DynamoUploadStore } from '../../../handlers/adapters/upload-store';
import { parseWorkerMessage, reprocessDeduplicationId, reprocessGroupId } from '../../../handlers/workflow/worker-messages';
import { UsageError } from '../../../tools/cli/command';
import { reprocessCommand } from '../../../tools/reprocess/main';
import { useEmulators } from '../../support/emulators';

useEmulators();
const TABLE = 'image-processor-dev-jobs';
let dynamodb: DynamoDBClient;
let sqs: SQSClient;
let queueUrl: string;

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, streams: { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } } };
}

async function upload(uploadId: string, album: string, createdAt: string, status?: string) {
  await new DynamoUploadStore(dynamodb, TABLE, { ttlDays: 30 }).create({ uploadId, owner: 'alice', fileName: `${uploadId}.jpg`, album, contentType: 'image/jpeg', bytes: 1, key: `uploads/alice/${uploadId}/x.jpg`, createdAt });
  if (!status) return;
  const { uploadIndex, partitionKey } = JOBS_TABLE_SCHEMA;
  await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: marshall({ [partitionKey]: `job-${uploadId}`, status, [uploadIndex.partitionKey]: uploadId, [uploadIndex.sortKey]: jobUploadSort(createdAt, `job-${uploadId}`) }) }));
}

beforeAll(async () => {
  dynamodb = new DynamoDBClient({});
  sqs = new SQSClient({});
  await dynamodb.send(new CreateTableCommand(jobsTableDefinition(TABLE)));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'image-processor-dev-reprocess.fifo', Attributes: { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' } }))).QueueUrl!;
  await upload('u1', 'Summer 2026', '2026-06-01T10:00:00.000Z', 'SUCCEEDED');
  await upload('u2', 'Summer 2026', '2026-06-02T10:00:00.000Z', 'FAILED');
  await upload('u3', 'Summer 2026', '2026-06-03T10:00:00.000Z', 'SUCCEEDED');
  await upload('u4', 'Winter', '2026-12-01T10:00:00.000Z', 'SUCCEEDED');
});
afterAll(() => {
  dynamodb.destroy();
  sqs.destroy();
});

describe('npm run reprocess', () => {
  it('queues the album\'s SUCCEEDED jobs oldest first in its group, and names what it skipped', async () => {
    const run = capture();
    await reprocessCommand(['--album', 'Summer 2026', '--owner', 'alice', '--stage', 'dev'], run.streams);
    const batchId = run.out.stdout.trim();
    expect(run.out.stderr).toContain('Skipped u2.jpg (u2): no SUCCEEDED job.');
    expect(run.out.stderr).toContain('2 upload(s) of alice/Summer 2026 queued');
    // A FIFO group hands out its next message once the one before is deleted.
    const Messages = [];
    for (;;) {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'] }));
      if (!received.Messages?.length) break;
      Messages.push(...received.Messages);
      for (const message of received.Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
    expect(Messages.map((message) => parseWorkerMessage(message.Body))).toEqual([
      { version: 1, type: 'reprocess', batchId, jobId: 'job-u1' },
      { version: 1, type: 'reprocess', batchId, jobId: 'job-u3' },
    ]);
    expect(Messages.map((message) => message.Attributes)).toEqual(
      ['u1', 'u3'].map((uploadId) => ({ MessageGroupId: reprocessGroupId('alice', 'Summer 2026'), MessageDeduplicationId: reprocessDeduplicationId(batchId, uploadId) })),
    );
    expect(reprocessGroupId('alice', 'Summer 2026')).toBe('alice/Summer+2026');
  });

  it.each([[['--owner', 'alice']], [['--album', 'Winter']], [['--album', 'Winter', '--owner', 'Alice']], [['--album', 'Winter', '--owner', 'alice', '--preset', '/no/such/file.json']]])('refuses %j as a usage error', async (argv) => {
    await expect(reprocessCommand(argv, capture().streams)).rejects.toThrow(UsageError);
  });
});
