import { runSimulation } from '@cloud-copilot/iam-simulate';
import { authorizationRequests, UnmappedCommandError, type AuthorizationRequest } from '../../../local/iam/requests';

const place = { account: '000000000000', region: 'us-east-1' };
const KEY = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555';
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:image-processor-local-success';
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:image-processor-local-heavy.fifo';
const encryption = { bucketKeys: { raw: { keyArn: KEY, bucketKey: true } }, topicKeys: { [TOPIC]: KEY }, queueKeys: { [QUEUE]: KEY } };
const requests = (client: string, command: string, input: Record<string, unknown>) => authorizationRequests(client, command, input, place, encryption);

const object = { Bucket: 'raw', Key: 'uploads/a b.jpg' };
const COMMANDS: [string, string, Record<string, unknown>][] = [
  ['S3Client', 'GetObjectCommand', object],
  ['S3Client', 'GetObjectCommand', { ...object, VersionId: 'v1' }],
  ['S3Client', 'HeadObjectCommand', object],
  ['S3Client', 'PutObjectCommand', object],
  ['S3Client', 'CreateMultipartUploadCommand', object],
  ['S3Client', 'UploadPartCommand', object],
  ['S3Client', 'CompleteMultipartUploadCommand', object],
  ['S3Client', 'AbortMultipartUploadCommand', object],
  ['S3Client', 'DeleteObjectCommand', object],
  ['S3Client', 'ListObjectsV2Command', { Bucket: 'raw', Prefix: '_work/job/' }],
  ['S3Client', 'DeleteObjectsCommand', { Bucket: 'raw', Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }] } }],
  ['DynamoDBClient', 'PutItemCommand', { TableName: 'jobs' }],
  ['DynamoDBClient', 'GetItemCommand', { TableName: 'jobs' }],
  ['DynamoDBClient', 'UpdateItemCommand', { TableName: 'jobs' }],
  ['DynamoDBClient', 'QueryCommand', { TableName: 'jobs', IndexName: 'open-jobs' }],
  ['SNSClient', 'PublishCommand', { TopicArn: TOPIC }],
  ['SFNClient', 'StartExecutionCommand', { stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:pipeline' }],
  ['SFNClient', 'DescribeExecutionCommand', { executionArn: 'arn:aws:states:us-east-1:000000000000:execution:pipeline:job' }],
  ['SQSClient', 'SendMessageCommand', { QueueUrl: 'http://sqs.us-east-1.localhost:1/000000000000/dlq' }],
  ['SQSClient', 'SendMessageBatchCommand', { QueueUrl: 'http://sqs.us-east-1.localhost:1/000000000000/image-processor-local-heavy.fifo' }],
  ['SQSClient', 'ReceiveMessageCommand', { QueueUrl: 'http://sqs.us-east-1.localhost:1/000000000000/image-processor-local-heavy.fifo' }],
  ['SQSClient', 'ChangeMessageVisibilityCommand', { QueueUrl: 'http://sqs.us-east-1.localhost:1/000000000000/image-processor-local-heavy.fifo' }],
  ['SQSClient', 'DeleteMessageCommand', { QueueUrl: 'http://sqs.us-east-1.localhost:1/000000000000/image-processor-local-heavy.fifo' }],
  ['SQSClient', 'GetQueueAttributesCommand', { QueueUrl: 'http://sqs.us-east-1.localhost:1/000000000000/image-processor-local-heavy.fifo' }],
  ['SFNClient', 'SendTaskSuccessCommand', { taskToken: 'token' }],
  ['SFNClient', 'SendTaskFailureCommand', { taskToken: 'token' }],
  ['SFNClient', 'SendTaskHeartbeatCommand', { taskToken: 'token' }],
];

it('answers a task token on no resource (IAM names none) and decrypts an encrypted queue\'s messages through SQS', () => {
  expect(requests('SFNClient', 'SendTaskHeartbeatCommand', { taskToken: 'token' })).toEqual([{ action: 'states:SendTaskHeartbeat', resource: '*', context: { 'aws:SecureTransport': 'true' } }]);
  expect(requests('SQSClient', 'ReceiveMessageCommand', { QueueUrl: 'http://sqs.us-east-1.localhost:1/000000000000/image-processor-local-heavy.fifo' })).toEqual([
    { action: 'sqs:ReceiveMessage', resource: QUEUE, context: { 'aws:SecureTransport': 'true' } },
    { action: 'kms:Decrypt', resource: KEY, context: { 'aws:SecureTransport': 'true', 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' }, via: 'SQS' },
  ]);
});

it('authorizes a batch of messages as SendMessage, the one action IAM has for it, with the key to encrypt them', () => {
  expect(requests('SQSClient', 'SendMessageBatchCommand', { QueueUrl: 'http://sqs.us-east-1.localhost:1/000000000000/image-processor-local-heavy.fifo', Entries: [] })).toEqual([
    { action: 'sqs:SendMessage', resource: QUEUE, context: { 'aws:SecureTransport': 'true' } },
    ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({ action, resource: KEY, context: { 'aws:SecureTransport': 'true', 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' }, via: 'SQS' })),
  ]);
});

/** iam-simulate's validating entry point: the action must exist, fit the resource's type, and every condition key must apply to it. */
async function validate(request: AuthorizationRequest) {
  const everything = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const keyPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'kms:*', Resource: '*' }] };
  return runSimulation(
    {
      identityPolicies: [{ name: 'everything', policy: everything }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.action.startsWith('kms:') ? { resourcePolicy: keyPolicy } : {}),
      request: {
        principal: 'arn:aws:sts::000000000000:assumed-role/fn/fn',
        action: request.action,
        resource: { resource: request.resource, accountId: place.account },
        contextVariables: { ...request.context } as Record<string, string | string[]>,
      },
    },
    {},
  );
}

it.each(COMMANDS)('%s %s maps to real IAM actions on resources of their type, with condition keys that apply to them', async (client, command, input) => {
  const mapped = requests(client, command, input);
  expect(mapped.length).toBeGreaterThan(0);
  for (const request of mapped) {
    const result = await validate(request);
    expect(result.resultType).toBe('single');
    if (result.resultType !== 'single') continue;
    // iam-data lists the key as kms:EncryptionContext:${TagKey}, which its validator does not match
    // when the tag key holds colons (aws:s3:arn, the key S3 sets); the evaluation used at run time
    // (without validation) applies it, as the next test file shows.
    const ignored = result.result.ignoredContextKeys?.filter((key) => key !== 'kms:EncryptionContext:aws:s3:arn');
    expect({ request: request.action, ignored }).toEqual({ request: request.action, ignored: [] });
    expect(result.overallResult).toBe('Allowed');
  }
});

it('names the object, the version action, the listed prefix and each deleted key', () => {
  expect(requests('S3Client', 'GetObjectCommand', object)[0]).toMatchObject({ action: 's3:GetObject', resource: 'arn:aws:s3:::raw/uploads/a b.jpg' });
  expect(requests('S3Client', 'GetObjectCommand', { ...object, VersionId: 'v1' })[0]!.action).toBe('s3:GetObjectVersion');
  expect(requests('S3Client', 'ListObjectsV2Command', { Bucket: 'raw', Prefix: '_work/j/' })).toEqual([
    { action: 's3:ListBucket', resource: 'arn:aws:s3:::raw', context: expect.objectContaining({ 's3:prefix': '_work/j/' }) },
  ]);
  expect(requests('S3Client', 'ListObjectsV2Command', { Bucket: 'raw' })[0]!.context).not.toHaveProperty('s3:prefix');
  expect(requests('S3Client', 'DeleteObjectsCommand', { Bucket: 'raw', Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }] } }).map((request) => request.resource)).toEqual([
    'arn:aws:s3:::raw/a',
    'arn:aws:s3:::raw/b',
  ]);
  expect(requests('DynamoDBClient', 'QueryCommand', { TableName: 'jobs', IndexName: 'open-jobs' })[0]!.resource).toBe(
    'arn:aws:dynamodb:us-east-1:000000000000:table/jobs/index/open-jobs',
  );
});

it('adds the KMS calls S3 and SNS make for the caller on encrypted buckets and topics, and none elsewhere', () => {
  expect(requests('S3Client', 'GetObjectCommand', object)[1]).toEqual({
    action: 'kms:Decrypt',
    resource: KEY,
    context: expect.objectContaining({ 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::raw' }),
    via: 'S3',
  });
  expect(requests('S3Client', 'PutObjectCommand', object)[1]!.action).toBe('kms:GenerateDataKey');
  expect(requests('S3Client', 'PutObjectCommand', { Bucket: 'plain', Key: 'k' })).toHaveLength(1);
  expect(requests('S3Client', 'HeadObjectCommand', object)).toHaveLength(1);
  expect(requests('SNSClient', 'PublishCommand', { TopicArn: TOPIC }).map((request) => [request.action, request.context['kms:ViaService']])).toEqual([
    ['sns:Publish', undefined],
    ['kms:GenerateDataKey', 'sns.us-east-1.amazonaws.com'],
    ['kms:Decrypt', 'sns.us-east-1.amazonaws.com'],
  ]);
});

it('refuses a command it has no IAM action for, naming it', () => {
  expect(() => requests('S3Client', 'CopyObjectCommand', object)).toThrow(UnmappedCommandError);
  expect(() => requests('DynamoDBClient', 'BatchWriteItemCommand', {})).toThrow('DynamoDB BatchWriteItemCommand');
  expect(() => requests('LambdaClient', 'InvokeCommand', {})).toThrow('LambdaClient InvokeCommand');
});
