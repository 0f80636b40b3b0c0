/**
 * The local stack's resources, created on the emulators with the names and settings the stack
 * config declares: both buckets (with the scratch lifecycle rule), the jobs table, both topics,
 * the worker's FIFO queues with their dead-letter queues, and a queue subscribed to both topics
 * so the runner can read notifications back.
 */
import { CreateTableCommand, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketLifecycleConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { jobsTableDefinition } from '../handlers/adapters/job-table';
import { DEAD_LETTER_RETENTION_SECONDS } from '../stacks/config/queues';
import { sendInProcess, type InProcessTransport } from './in-process-transport';
import { LocalSystemError } from './local-system-error';
import { signS3WithoutPayloadHash } from './unsigned-payload';
import type { LocalResources } from './resources';

export interface Clients {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

const NOTIFICATION_QUEUE_SUFFIX = 'notifications';

export function createClients(environment: Readonly<Record<string, string>>, region: string, transport?: InProcessTransport): Clients {
  const credentials = { accessKeyId: environment.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: environment.AWS_SECRET_ACCESS_KEY ?? 'local' };
  const base = { region, credentials };
  const s3 = new S3Client({ ...base, endpoint: environment.AWS_ENDPOINT_URL_S3 });
  signS3WithoutPayloadHash(s3);
  const clients = {
    s3,
    dynamodb: new DynamoDBClient({ ...base, endpoint: environment.AWS_ENDPOINT_URL_DYNAMODB } satisfies DynamoDBClientConfig),
    sns: new SNSClient({ ...base, endpoint: environment.AWS_ENDPOINT_URL_SNS }),
    sqs: new SQSClient({ ...base, endpoint: environment.AWS_ENDPOINT_URL_SQS }),
  };
  if (transport) for (const client of Object.values(clients)) sendInProcess(client, transport);
  return clients;
}

/** Creates the stack's buckets, table and topics, and a queue subscribed to both topics. */
export async function createResources(clients: Clients, resources: LocalResources) {
  for (const bucket of [resources.rawBucket, resources.processedBucket]) {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  await clients.s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: resources.processedBucket,
      LifecycleConfiguration: {
        Rules: [
          {
            ID: 'expire-work',
            Status: 'Enabled',
            Filter: { Prefix: resources.workPrefix },
            Expiration: { Days: resources.workExpirationDays },
          },
        ],
      },
    }),
  );
  await clients.dynamodb.send(new CreateTableCommand(jobsTableDefinition(resources.jobsTable.name)));
  const { TopicArn: successTopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: resources.successTopic }));
  const { TopicArn: errorTopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: resources.errorTopic }));
  const { QueueUrl: queueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: `${resources.stackName}-${NOTIFICATION_QUEUE_SUFFIX}` }));
  if (!successTopicArn || !errorTopicArn || !queueUrl) throw new LocalSystemError('Creating the topics or the notification queue returned no ARN/URL.');
  const { Attributes = {} } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  for (const topicArn of [successTopicArn, errorTopicArn]) {
    await clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes.QueueArn }));
  }
  const heavy = await createWorkerQueue(clients.sqs, resources.queues.heavy, resources.queues.heavyDeadLetter, resources.queues);
  const reprocess = await createWorkerQueue(clients.sqs, resources.queues.reprocess, resources.queues.reprocessDeadLetter, resources.queues);
  return { successTopicArn, errorTopicArn, queueUrl, heavyQueueUrl: heavy.url, reprocessQueueUrl: reprocess.url, heavyDeadLetterUrl: heavy.deadLetterUrl, reprocessDeadLetterUrl: reprocess.deadLetterUrl };
}

/** A worker queue as stacks/constructs/queues declares it: FIFO, explicit deduplication ids per group, redriven to a FIFO dead-letter queue. */
async function createWorkerQueue(sqs: SQSClient, name: string, deadLetterName: string, settings: LocalResources['queues']) {
  const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'false', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' };
  const { QueueUrl: deadLetterUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: deadLetterName, Attributes: { ...fifo, MessageRetentionPeriod: String(DEAD_LETTER_RETENTION_SECONDS) } }),
  );
  const { Attributes: deadLetter = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ['QueueArn'] }));
  const { QueueUrl: url } = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        ...fifo,
        VisibilityTimeout: String(settings.visibilitySeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetter.QueueArn, maxReceiveCount: settings.maxReceiveCount }),
      },
    }),
  );
  if (!url || !deadLetterUrl) throw new LocalSystemError(`Creating the ${name} queue returned no URL.`);
  return { url, deadLetterUrl };
}
