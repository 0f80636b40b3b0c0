/**
 * What IAM authorizes for each SDK command the functions send: its action, the resource's ARN and
 * the condition keys the request supplies, as the service's authorization reference lists them —
 * and, for encrypted buckets and topics, the KMS calls the service makes with the caller's
 * permissions (fauxqs encrypts nothing, but the grants must still hold in AWS). A command not
 * listed here is refused: a new kind of call needs its IAM action written down first.
 */
import type { BucketEncryption } from './stack-model';
import type { LocalPlace } from './references';

export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** For a KMS call made by a service on the caller's behalf: the service. */
  readonly via?: 'S3' | 'SNS' | 'SQS';
}

/** The stack's encryption, which decides the KMS calls behind S3, SNS and SQS requests. */
export interface Encryption {
  readonly bucketKeys: Readonly<Record<string, BucketEncryption>>;
  readonly topicKeys: Readonly<Record<string, string>>;
  readonly queueKeys: Readonly<Record<string, string>>;
}

export class UnmappedCommandError extends Error {
  constructor(service: string, command: string) {
    super(`The local IAM check knows no IAM action for ${service} ${command}: write it down in local/iam/requests.ts before a function sends it.`);
    this.name = 'UnmappedCommandError';
  }
}

type Input = Readonly<Record<string, unknown>>;

/** A deployed function's requests: HTTPS, with TLS 1.3 (Node's default), which bucket policies may require. */
const TRANSPORT = { 'aws:SecureTransport': 'true' } as const;
const S3_TRANSPORT = { ...TRANSPORT, 's3:TlsVersion': '1.3' } as const;

const objectArn = (input: Input) => `arn:aws:s3:::${String(input.Bucket)}/${String(input.Key)}`;

/** S3 commands on one object: the action, and the KMS action S3 needs for an SSE-KMS object. */
const S3_OBJECT_COMMANDS: Readonly<Record<string, { action: (input: Input) => string; kms: 'kms:Decrypt' | 'kms:GenerateDataKey' | undefined }>> = {
  // Reading a given version is its own action.
  GetObjectCommand: { action: (input) => (input.VersionId ? 's3:GetObjectVersion' : 's3:GetObject'), kms: 'kms:Decrypt' },
  HeadObjectCommand: { action: (input) => (input.VersionId ? 's3:GetObjectVersion' : 's3:GetObject'), kms: undefined },
  PutObjectCommand: { action: () => 's3:PutObject', kms: 'kms:GenerateDataKey' },
  CreateMultipartUploadCommand: { action: () => 's3:PutObject', kms: 'kms:GenerateDataKey' },
  // Each part is encrypted with the data key made for the upload, which S3 decrypts first.
  UploadPartCommand: { action: () => 's3:PutObject', kms: 'kms:Decrypt' },
  CompleteMultipartUploadCommand: { action: () => 's3:PutObject', kms: 'kms:Decrypt' },
  AbortMultipartUploadCommand: { action: () => 's3:AbortMultipartUpload', kms: undefined },
  DeleteObjectCommand: { action: (input) => (input.VersionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject'), kms: undefined },
};

function s3Requests(command: string, input: Input, place: LocalPlace, encryption: Encryption): AuthorizationRequest[] {
  const bucket = String(input.Bucket);
  if (command === 'ListObjectsV2Command' || command === 'ListObjectsCommand') {
    const context = { ...S3_TRANSPORT, ...(typeof input.Prefix === 'string' ? { 's3:prefix': input.Prefix } : {}) };
    return [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, context }];
  }
  // DeleteObjects is authorized key by key (enforcement.ts answers each denied key as S3 does).
  if (command === 'DeleteObjectsCommand') {
    const objects = ((input.Delete as { Objects?: { Key?: string }[] } | undefined)?.Objects ?? []);
    return objects.map((object) => ({ action: 's3:DeleteObject', resource: objectArn({ Bucket: bucket, Key: object.Key }), context: S3_TRANSPORT }));
  }
  const mapped = S3_OBJECT_COMMANDS[command];
  if (!mapped) throw new UnmappedCommandError('S3', command);
  const requests: AuthorizationRequest[] = [{ action: mapped.action(input), resource: objectArn(input), context: S3_TRANSPORT }];
  const key = encryption.bucketKeys[bucket];
  if (key && mapped.kms) {
    requests.push({
      action: mapped.kms,
      resource: key.keyArn,
      context: {
        ...TRANSPORT,
        'kms:ViaService': `s3.${place.region}.amazonaws.com`,
        'kms:EncryptionContext:aws:s3:arn': key.bucketKey ? `arn:aws:s3:::${bucket}` : objectArn(input),
      },
      via: 'S3',
    });
  }
  return requests;
}

const DYNAMODB_ACTIONS: ReadonlySet<string> = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan']);

function dynamodbRequests(command: string, input: Input, place: LocalPlace): AuthorizationRequest[] {
  const operation = command.replace(/Command$/, '');
  if (!DYNAMODB_ACTIONS.has(operation)) throw new UnmappedCommandError('DynamoDB', command);
  const table = `arn:aws:dynamodb:${place.region}:${place.account}:table/${String(input.TableName)}`;
  return [{ action: `dynamodb:${operation}`, resource: input.IndexName ? `${table}/index/${String(input.IndexName)}` : table, context: TRANSPORT }];
}

function snsRequests(command: string, input: Input, place: LocalPlace, encryption: Encryption): AuthorizationRequest[] {
  if (command !== 'PublishCommand') throw new UnmappedCommandError('SNS', command);
  const topic = String(input.TopicArn);
  const requests: AuthorizationRequest[] = [{ action: 'sns:Publish', resource: topic, context: TRANSPORT }];
  const key = encryption.topicKeys[topic];
  if (key) {
    // SNS makes a data key for the message and decrypts it again to deliver it, as the publisher.
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      requests.push({ action, resource: key, context: { ...TRANSPORT, 'kms:ViaService': `sns.${place.region}.amazonaws.com` }, via: 'SNS' });
    }
  }
  return requests;
}

const SFN_RESOURCES: Readonly<Record<string, (input: Input) => string>> = {
  StartExecutionCommand: (input) => String(input.stateMachineArn),
  ListExecutionsCommand: (input) => String(input.stateMachineArn),
  DescribeExecutionCommand: (input) => String(input.executionArn),
  StopExecutionCommand: (input) => String(input.executionArn),
};

/** Answers to a waiting task. */
const TASK_RESPONSES: ReadonlySet<string> = new Set(['SendTaskSuccessCommand', 'SendTaskFailureCommand', 'SendTaskHeartbeatCommand']);

function sfnRequests(command: string, input: Input): AuthorizationRequest[] {
  // IAM names no resource for a task response: the token is the authority.
  if (TASK_RESPONSES.has(command)) return [{ action: `states:${command.replace(/Command$/, '')}`, resource: '*', context: TRANSPORT }];
  const resource = SFN_RESOURCES[command];
  if (!resource) throw new UnmappedCommandError('Step Functions', command);
  return [{ action: `states:${command.replace(/Command$/, '')}`, resource: resource(input), context: TRANSPORT }];
}

/** SQS commands: their IAM action, and the KMS actions an encrypted queue needs of the caller for them. */
const SQS_COMMANDS: Readonly<Record<string, { readonly action: string; readonly kms: readonly string[] }>> = {
  SendMessageCommand: { action: 'sqs:SendMessage', kms: ['kms:GenerateDataKey', 'kms:Decrypt'] },
  // IAM has no action of its own for a batch: each entry is a SendMessage.
  SendMessageBatchCommand: { action: 'sqs:SendMessage', kms: ['kms:GenerateDataKey', 'kms:Decrypt'] },
  ReceiveMessageCommand: { action: 'sqs:ReceiveMessage', kms: ['kms:Decrypt'] },
  DeleteMessageCommand: { action: 'sqs:DeleteMessage', kms: [] },
  ChangeMessageVisibilityCommand: { action: 'sqs:ChangeMessageVisibility', kms: [] },
  GetQueueAttributesCommand: { action: 'sqs:GetQueueAttributes', kms: [] },
};

function sqsRequests(command: string, input: Input, place: LocalPlace, encryption: Encryption): AuthorizationRequest[] {
  const mapped = SQS_COMMANDS[command];
  if (!mapped) throw new UnmappedCommandError('SQS', command);
  const { action, kms } = mapped;
  const queue = `arn:aws:sqs:${place.region}:${place.account}:${String(input.QueueUrl).split('/').pop()}`;
  const key = encryption.queueKeys[queue];
  return [
    { action, resource: queue, context: TRANSPORT },
    ...(key ? kms.map((action) => ({ action, resource: key, context: { ...TRANSPORT, 'kms:ViaService': `sqs.${place.region}.amazonaws.com` }, via: 'SQS' as const })) : []),
  ];
}

/** The SDK clients the functions use, by the SDK's `clientName`. */
export const SERVICES = { S3Client: 'S3', DynamoDBClient: 'DynamoDB', SNSClient: 'SNS', SFNClient: 'Step Functions', SQSClient: 'SQS' } as const;
export type ServiceClient = keyof typeof SERVICES;

/** What IAM checks for one command. @throws UnmappedCommandError */
export function authorizationRequests(client: string, command: string, input: Input, place: LocalPlace, encryption: Encryption): AuthorizationRequest[] {
  switch (client) {
    case 'S3Client':
      return s3Requests(command, input, place, encryption);
    case 'DynamoDBClient':
      return dynamodbRequests(command, input, place);
    case 'SNSClient':
      return snsRequests(command, input, place, encryption);
    case 'SFNClient':
      return sfnRequests(command, input);
    case 'SQSClient':
      return sqsRequests(command, input, place, encryption);
    default:
      throw new UnmappedCommandError(client, command);
  }
}
