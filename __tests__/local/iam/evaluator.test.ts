import { decide, validatedPolicy, allowingStatements, InvalidPolicyError, type Caller } from '../../../local/iam/evaluator';

const place = { account: '000000000000', region: 'us-east-1' };
const KEY = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555';
const policy = (Statement: object[]) => ({ Version: '2012-10-17', Statement });
const caller = (statements: object[]): Caller => ({ roleName: 'fn-role', sessionName: 'fn', policy: validatedPolicy(policy(statements), 'fn', 'identity') });
const keyPolicy = validatedPolicy(policy([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'kms:*', Resource: '*' }]), 'key', 'resource');
const get = (resource: string) => ({ action: 's3:GetObject', resource, context: { 'aws:SecureTransport': 'true' } });
const PRINCIPAL = 'arn:aws:sts::000000000000:assumed-role/fn-role/fn';

const reader = caller([{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::raw/uploads/*' }]);

it('allows what a statement allows, and denies the rest with the sentence AWS gives', () => {
  expect(decide(reader, get('arn:aws:s3:::raw/uploads/a.jpg'), place)).toEqual({ allowed: true });
  expect(decide(reader, get('arn:aws:s3:::raw/other/a.jpg'), place)).toEqual({
    allowed: false,
    message: `User: ${PRINCIPAL} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::raw/other/a.jpg because no identity-based policy allows the s3:GetObject action`,
  });
});

it('names an explicit deny, and whether the identity or the resource policy holds it', () => {
  const denying = caller([
    { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::raw/secret/*' },
  ]);
  expect(decide(denying, get('arn:aws:s3:::raw/secret/a'), place)).toMatchObject({ message: expect.stringMatching(/with an explicit deny in an identity-based policy$/) });
  const bucketPolicy = validatedPolicy(
    policy([{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::raw/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]),
    'bucket',
    'resource',
  );
  expect(decide(denying, { ...get('arn:aws:s3:::raw/a'), context: { 'aws:SecureTransport': 'false' } }, place, bucketPolicy)).toMatchObject({
    message: expect.stringMatching(/with an explicit deny in a resource-based policy$/),
  });
  expect(decide(denying, get('arn:aws:s3:::raw/a'), place, bucketPolicy)).toEqual({ allowed: true });
});

it('holds KMS calls to the key policy and to the conditions S3 supplies', () => {
  const useKey = caller([
    {
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: KEY,
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' }, StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::raw', 'arn:aws:s3:::raw/*'] } },
    },
  ]);
  const decrypt = (context: Record<string, string>) => ({ action: 'kms:Decrypt', resource: KEY, context });
  const viaS3 = { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::raw' };
  expect(decide(useKey, decrypt(viaS3), place, keyPolicy)).toEqual({ allowed: true });
  expect(decide(useKey, decrypt(viaS3), place)).toMatchObject({ allowed: false });
  expect(decide(useKey, decrypt({ ...viaS3, 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::other' }), place, keyPolicy)).toMatchObject({ allowed: false });
  expect(decide(useKey, decrypt({ ...viaS3, 'kms:ViaService': 'sns.us-east-1.amazonaws.com' }), place, keyPolicy)).toMatchObject({ allowed: false });
});

it('honours s3:prefix conditions on listing', () => {
  const lister = caller([{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::processed', Condition: { StringLike: { 's3:prefix': '_work/*' } } }]);
  const list = (context: Record<string, string>) => ({ action: 's3:ListBucket', resource: 'arn:aws:s3:::processed', context });
  expect(decide(lister, list({ 's3:prefix': '_work/job/' }), place)).toEqual({ allowed: true });
  expect(decide(lister, list({ 's3:prefix': 'job/' }), place)).toMatchObject({ allowed: false });
  expect(decide(lister, list({}), place)).toMatchObject({ allowed: false });
});

it('tells which statements allow a request', () => {
  const both = caller([
    { Sid: 'A', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::raw/*' },
    { Sid: 'B', Effect: 'Allow', Action: 's3:PutObject', Resource: '*' },
    { Sid: 'C', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::raw/uploads/*' },
  ]);
  expect(allowingStatements(both, get('arn:aws:s3:::raw/uploads/a'), place)).toEqual([0, 2]);
  expect(allowingStatements(both, get('arn:aws:s3:::raw/a'), place)).toEqual([0]);
});

it('refuses an invalid policy, naming each problem', () => {
  expect(() => validatedPolicy(policy([{ Effect: 'Alow', Action: 's3:GetObject', Resource: '*' }]), 'the policy', 'identity')).toThrow(InvalidPolicyError);
  expect(() => validatedPolicy(policy([{ Effect: 'Alow', Action: 's3:GetObject', Resource: '*' }]), 'the policy', 'identity')).toThrow(
    /^Expected the policy to be a valid IAM identity policy, but Statement\[0\]\.Effect: /,
  );
});
