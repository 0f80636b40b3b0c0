import { CodedError } from '../../../handlers/core/errors';
import { isRetryableAwsError, toAdapterError } from '../../../handlers/adapters/aws-errors';

/** Shaped like the SDK's service exceptions: name, message, $metadata, optional $retryable. */
function sdkError(name: string, fields: { status?: number; attempts?: number; retryable?: object } = {}): Error {
  const error = new Error(`${name} happened`);
  error.name = name;
  return Object.assign(error, {
    $fault: (fields.status ?? 400) >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: fields.status ?? 400, attempts: fields.attempts ?? 1 },
    ...(fields.retryable ? { $retryable: fields.retryable } : {}),
  });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`socket said ${code}`), { code });
}

describe('toAdapterError', () => {
  it.each([
    ['a throttling exception', sdkError('ThrottlingException')],
    ['S3 SlowDown', sdkError('SlowDown', { status: 503 })],
    ['DynamoDB ProvisionedThroughputExceededException', sdkError('ProvisionedThroughputExceededException')],
    ['EC2-style RequestLimitExceeded', sdkError('RequestLimitExceeded')],
    ['an error the SDK marks $retryable', sdkError('SomethingNew', { retryable: { throttling: false } })],
    ['any 5xx', sdkError('InternalServerError', { status: 500 })],
    ['a 502 with an unknown name', sdkError('Unknown', { status: 502 })],
    ['HTTP 429', sdkError('TooMany', { status: 429 })],
    ['a client-side timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['ECONNRESET', networkError('ECONNRESET')],
    ['ETIMEDOUT', networkError('ETIMEDOUT')],
    ['a DNS hiccup', networkError('EAI_AGAIN')],
  ])('maps %s to TRANSIENT with the original as cause', (_label, original) => {
    expect(isRetryableAwsError(original)).toBe(true);
    const mapped = toAdapterError('S3 GetObject', original);
    expect(mapped).toBeInstanceOf(CodedError);
    expect(mapped).toMatchObject({ code: 'TRANSIENT', name: 'TRANSIENT', cause: original });
    expect(mapped.message).toMatch(/^Expected S3 GetObject to succeed, but it failed with a temporary error .*; a retry may succeed\.$/);
    expect(mapped.message).toContain(original.message);
  });

  it('says how many attempts the SDK already made', () => {
    const mapped = toAdapterError('SNS Publish', sdkError('Throttling', { attempts: 3 }));
    expect(mapped.message).toContain('after 3 attempts');
    expect(mapped.message).toContain('Throttling: Throttling happened');
  });

  it.each([
    ['NoSuchKey', sdkError('NoSuchKey', { status: 404 })],
    ['ValidationException', sdkError('ValidationException')],
    ['ConditionalCheckFailedException', sdkError('ConditionalCheckFailedException')],
    ['a plain Error', new Error('bug')],
    ['an unrelated socket error', networkError('EACCES')],
  ])('returns %s unchanged', (_label, original) => {
    expect(isRetryableAwsError(original)).toBe(false);
    expect(toAdapterError('DynamoDB UpdateItem', original)).toBe(original);
  });

  it.each([
    ['S3 and SQS', 'AccessDenied', 403],
    ['DynamoDB and Step Functions', 'AccessDeniedException', 400],
    ['SNS', 'AuthorizationErrorException', 403],
    ['SNS, for the topic key', 'KMSAccessDeniedException', 400],
  ])('maps a call IAM denied (%s: %s) to INTERNAL, not retried, naming the denial and keeping its sentence', (_label, name, status) => {
    const original = sdkError(name, { status });
    expect(isRetryableAwsError(original)).toBe(false);
    const mapped = toAdapterError('S3 GetObject', original);
    expect(mapped).toMatchObject({ code: 'INTERNAL', cause: original });
    expect(mapped.message).toBe(`Expected S3 GetObject to be allowed by the function's IAM policy, but it was denied (${name}: ${name} happened).`);
  });

  it('passes CodedErrors through, even retryable-looking ones', () => {
    const original = new CodedError('TOO_LARGE', 'too big');
    expect(toAdapterError('S3 GetObject', original)).toBe(original);
  });

  it('turns a thrown non-Error value into an INTERNAL CodedError', () => {
    const mapped = toAdapterError('S3 PutObject', { weird: true });
    expect(mapped).toMatchObject({ code: 'INTERNAL', cause: { weird: true } });
    expect(mapped.message).toBe('Expected S3 PutObject to fail with an Error, but it threw {"weird":true}.');
    expect(isRetryableAwsError('ECONNRESET')).toBe(false);
    expect(isRetryableAwsError(null)).toBe(false);
  });
});
