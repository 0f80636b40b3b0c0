import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { signS3WithoutPayloadHash, UNSIGNED_PAYLOAD } from '../../local/unsigned-payload';

type Sent = { headers: Record<string, string> };

/** A request handler that answers 200 and keeps each request as signed. */
function capturing(sent: Sent[]) {
  return {
    handle: async (request: Sent) => {
      sent.push(request);
      return { response: { statusCode: 200, headers: {}, body: undefined } };
    },
  };
}

const config = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: 'http://127.0.0.1:1' };

async function signedPut(decorate: boolean): Promise<Sent> {
  const sent: Sent[] = [];
  const client = new S3Client({ ...config, forcePathStyle: true, requestHandler: capturing(sent) as never });
  if (decorate) signS3WithoutPayloadHash(client);
  await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Buffer.from('bytes') })).catch(() => undefined);
  return sent[0]!;
}

describe('S3 requests of the local runner', () => {
  it('are signed without hashing their body, and the signature covers that choice', async () => {
    const request = await signedPut(true);
    expect(request.headers['x-amz-content-sha256']).toBe(UNSIGNED_PAYLOAD);
    expect(request.headers.authorization).toContain('x-amz-content-sha256');
  });

  it('keep the body hash on a client the runner did not decorate, as the deployed functions build theirs', async () => {
    const request = await signedPut(false);
    expect(request.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('leave other services alone: only S3 accepts an unsigned payload', async () => {
    const sent: Sent[] = [];
    const client = new SNSClient({ ...config, requestHandler: capturing(sent) as never });
    signS3WithoutPayloadHash(client);
    await client.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'm' })).catch(() => undefined);
    expect(sent[0]!.headers['x-amz-content-sha256']).not.toBe(UNSIGNED_PAYLOAD);
  });
});
