import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { runAsFunction } from '../../../local/invocation';
import { GivenPolicyError, IamEnforcement } from '../../../local/iam/enforcement';
import type { LocalStackModel } from '../../../local/iam/stack-model';

const KEY = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555';
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:success';
const FUNCTION = 'image-processor-local-validate';
const PRINCIPAL = `arn:aws:sts::000000000000:assumed-role/${FUNCTION}/${FUNCTION}`;

const policy = (Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const model: LocalStackModel = {
  place: { account: '000000000000', region: 'us-east-1' },
  functions: {
    [FUNCTION]: {
      functionName: FUNCTION,
      roleName: FUNCTION,
      policy: policy([
        { Sid: 'ReadUploads', Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.raw.arn}/uploads/*' },
        { Sid: 'DeleteSome', Effect: 'Allow', Action: 's3:DeleteObject', Resource: '${aws_s3_bucket.raw.arn}/uploads/*' },
        { Sid: 'Publish', Effect: 'Allow', Action: 'sns:Publish', Resource: TOPIC },
      ]),
      memoryMb: 256,
      timeoutSeconds: 30,
      environment: {},
    },
  },
  tasks: {},
  instanceProfiles: {},
  queueKeys: {},
  bucketPolicies: {},
  bucketKeys: {},
  topicKeys: { [TOPIC]: KEY },
  keyPolicies: { [KEY]: policy([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'kms:*', Resource: '*' }]) },
  notifications: [],
  references: { 'aws_s3_bucket.raw.arn': 'arn:aws:s3:::raw', 'aws_dynamodb_table.jobs.arn': 'arn:aws:dynamodb:us-east-1:000000000000:table/jobs' },
};
const entrypoints = new Map([[FUNCTION, 'validate']]);

/** Clients whose requests, once allowed, go nowhere: a closed loopback port. */
function clients(enforcement: IamEnforcement) {
  const config = { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 };
  const built = { s3: new S3Client({ ...config, forcePathStyle: true }), dynamodb: new DynamoDBClient(config), sns: new SNSClient(config) };
  for (const client of Object.values(built)) enforcement.install(client);
  return built;
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & { $metadata?: { httpStatusCode?: number }; Errors?: unknown });

it('refuses a call made outside any function invocation: no role applies to it', async () => {
  const { s3 } = clients(new IamEnforcement(model, entrypoints));
  expect((await failure(s3.send(new GetObjectCommand({ Bucket: 'raw', Key: 'uploads/a' }))))?.message).toBe(
    "S3Client GetObjectCommand was sent through the functions' SDK clients outside any function's invocation, so no role's policy applies to it.",
  );
});

it('lets an allowed call through and fails a denied one as S3 does, before anything is sent, recording it', async () => {
  const enforcement = new IamEnforcement(model, entrypoints);
  const { s3 } = clients(enforcement);
  const allowed = await runAsFunction(FUNCTION, () => failure(s3.send(new GetObjectCommand({ Bucket: 'raw', Key: 'uploads/a' }))));
  expect(allowed?.name).not.toBe('AccessDenied');
  const denied = await runAsFunction(FUNCTION, () => failure(s3.send(new GetObjectCommand({ Bucket: 'raw', Key: 'other/a' }))));
  expect(denied).toBeInstanceOf(S3ServiceException);
  expect(denied).toMatchObject({
    name: 'AccessDenied',
    $metadata: { httpStatusCode: 403 },
    message: `User: ${PRINCIPAL} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::raw/other/a because no identity-based policy allows the s3:GetObject action`,
  });
  await runAsFunction(FUNCTION, () => failure(s3.send(new GetObjectCommand({ Bucket: 'raw', Key: 'other/a' }))));
  expect(enforcement.denied()).toEqual([{ function: 'validate', action: 's3:GetObject', resource: 'arn:aws:s3:::raw/other/a', calls: 2 }]);
  expect([...enforcement.allowedRequests().get('validate')!].map((request) => request.resource)).toEqual(['arn:aws:s3:::raw/uploads/a']);
});

it('decides a request seen before as before, each function by its own policy', async () => {
  const other = 'image-processor-local-other';
  const enforcement = new IamEnforcement(model, new Map([...entrypoints, [other, 'other']]));
  const { s3 } = clients(enforcement);
  const get = () => failure(s3.send(new GetObjectCommand({ Bucket: 'raw', Key: 'uploads/a' })));
  for (let call = 0; call < 2; call++) {
    expect((await runAsFunction(FUNCTION, get))?.name).not.toBe('AccessDenied');
    expect((await runAsFunction(other, get))?.name).toBe('AccessDenied');
  }
  expect(enforcement.denied()).toEqual([{ function: 'other', action: 's3:GetObject', resource: 'arn:aws:s3:::raw/uploads/a', calls: 2 }]);
});

it('names the denial as each service does', async () => {
  const { dynamodb, sns } = clients(new IamEnforcement(model, entrypoints));
  const denied = await runAsFunction(FUNCTION, () => failure(dynamodb.send(new GetItemCommand({ TableName: 'jobs', Key: { jobId: { S: 'j' } } }))));
  expect(denied).toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining('dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/jobs') });
  const publish = await runAsFunction(FUNCTION, () => failure(sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:error', Message: 'm' }))));
  expect(publish).toMatchObject({ name: 'AuthorizationErrorException', $metadata: { httpStatusCode: 403 } });
  // The topic is allowed, but the role may not use the topic's key through SNS.
  const encrypted = await runAsFunction(FUNCTION, () => failure(sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'm' }))));
  expect(encrypted).toMatchObject({ name: 'KMSAccessDeniedException', message: expect.stringContaining(`kms:GenerateDataKey on resource: ${KEY}`) });
});

it('deletes the keys DeleteObjects may delete and answers AccessDenied for each of the others, as S3 does', async () => {
  const { s3 } = clients(new IamEnforcement(model, entrypoints));
  const output = await runAsFunction(FUNCTION, () => s3.send(new DeleteObjectsCommand({ Bucket: 'raw', Delete: { Objects: [{ Key: 'other/a' }, { Key: 'other/b' }] } })));
  expect(output.Errors).toEqual([
    { Key: 'other/a', Code: 'AccessDenied', Message: 'Access Denied' },
    { Key: 'other/b', Code: 'AccessDenied', Message: 'Access Denied' },
  ]);
});

it('replaces a policy with one given for the function, its references resolved against the stack', async () => {
  const given = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '${aws_dynamodb_table.jobs.arn}' }] };
  const enforcement = new IamEnforcement(model, entrypoints, { validate: given });
  const { s3, dynamodb } = clients(enforcement);
  expect(await runAsFunction(FUNCTION, () => failure(s3.send(new GetObjectCommand({ Bucket: 'raw', Key: 'uploads/a' }))))).toMatchObject({ name: 'AccessDenied' });
  expect((await runAsFunction(FUNCTION, () => failure(dynamodb.send(new GetItemCommand({ TableName: 'jobs', Key: { jobId: { S: 'j' } } })))))?.name).not.toBe('AccessDeniedException');
  expect(() => new IamEnforcement(model, entrypoints, { validate: { ...given, Statement: [{ ...given.Statement[0], Resource: '${aws_dynamodb_table.other.arn}' }] } })).toThrow(GivenPolicyError);
  expect(() => new IamEnforcement(model, entrypoints, { validate: { Statement: 'none' } })).toThrow(/^Expected the --policy given for validate to be a valid IAM identity policy/);
});
