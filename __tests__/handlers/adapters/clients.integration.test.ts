import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { createAwsClients, resetAwsClients } from '../../../handlers/adapters/clients';
import { S3ObjectStore } from '../../../handlers/adapters/object-store';
import { useEmulators } from '../../support/emulators';

const emulators = useEmulators();

afterAll(() => resetAwsClients());

describe('createAwsClients', () => {
  it('returns the same clients on every call in a process', () => {
    const first = createAwsClients();
    const second = createAwsClients();
    expect(second).toBe(first);
    expect(second.s3).toBe(first.s3);
    expect(second.dynamodb).toBe(first.dynamodb);
    expect(second.sns).toBe(first.sns);
    expect(second.sfn).toBe(first.sfn);
    expect(second.sqs).toBe(first.sqs);
  });

  it('reaches each service through the endpoints in the environment, with no other configuration', async () => {
    const { fauxqs } = emulators.current;
    fauxqs.createBucket('clients-bucket');
    fauxqs.createTopic('clients-topic');
    fauxqs.createQueue('clients-queue');
    const clients = createAwsClients();

    const objects = new S3ObjectStore(clients.s3);
    await objects.put({ bucket: 'clients-bucket', key: 'a.txt' }, Buffer.from('a'), { contentType: 'text/plain' });
    await expect(objects.getBytes({ bucket: 'clients-bucket', key: 'a.txt' }, { maxBytes: 1 })).resolves.toEqual(Buffer.from('a'));
    await expect(clients.dynamodb.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: [] });
    const topics = await clients.sns.send(new ListTopicsCommand({}));
    expect(topics.Topics?.map((topic) => topic.TopicArn)).toEqual([expect.stringMatching(/:clients-topic$/)]);
    const queues = await clients.sqs.send(new ListQueuesCommand({}));
    expect(queues.QueueUrls).toEqual([expect.stringMatching(/\/clients-queue$/)]);
    expect(await clients.sfn.config.region()).toBe('us-east-1');
  });

  it('builds fresh clients after a reset, for a changed environment', () => {
    const clients = createAwsClients();
    const before = clients.s3;
    resetAwsClients();
    expect(createAwsClients().s3).not.toBe(before);
  });
});
