/**
 * The local stack's resources, created on the emulators with the names and settings the stack
 * config declares: both buckets (with the scratch lifecycle rule), the jobs table, both topics,
 * and a queue subscribed to both so the runner can read notifications back.
 */
import { CreateTableCommand, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketLifecycleConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { jobsTableDefinition } from '../handlers/adapters/job-table';
import { LocalSystemError } from './local-system-error';
import type { LocalResources } from './resources';

export interface Clients {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

const NOTIFICATION_QUEUE_SUFFIX = 'notifications';

export function createClients(environment: Readonly<Record<string, string>>, region: string): Clients {
  const credentials = { accessKeyId: environment.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: environment.AWS_SECRET_ACCESS_KEY ?? 'local' };
  const base = { region, credentials };
  return {
    s3: new S3Client({ ...base, endpoint: environment.AWS_ENDPOINT_URL_S3 }),
    dynamodb: new DynamoDBClient({ ...base, endpoint: environment.AWS_ENDPOINT_URL_DYNAMODB } satisfies DynamoDBClientConfig),
    sns: new SNSClient({ ...base, endpoint: environment.AWS_ENDPOINT_URL_SNS }),
    sqs: new SQSClient({ ...base, endpoint: environment.AWS_ENDPOINT_URL_SQS }),
  };
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
  return { successTopicArn, errorTopicArn, queueUrl };
}
