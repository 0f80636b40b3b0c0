import { readFileSync } from 'node:fs';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sendInProcess } from '../../local/in-process-transport';
import { useEmulators } from '../support/emulators';

/** The local IPv4 addresses listening on `port`, from the kernel's table (hex, little-endian). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')
    .map((fields) => {
      const hex = fields[1]!.split(':')[0]!;
      return [3, 2, 1, 0].map((byte) => parseInt(hex.slice(byte * 2, byte * 2 + 2), 16)).join('.');
    });
}

describe('startEmulators', () => {
  const emulators = useEmulators();
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

  it('listens on loopback only: fauxqs would otherwise take requests from the whole network', () => {
    const port = Number(new URL(emulators.current.environment.AWS_ENDPOINT_URL_S3!).port);
    expect(listeningAddresses(port)).toEqual(['127.0.0.1']);
  });

  it('answers an in-process client as it answers one on its port: the same objects, byte for byte', async () => {
    const endpoint = emulators.current.environment.AWS_ENDPOINT_URL_S3!;
    const overSocket = new S3Client({ region: 'us-east-1', credentials, endpoint });
    const inProcess = new S3Client({ region: 'us-east-1', credentials, endpoint });
    sendInProcess(inProcess, emulators.current.transport);
    const body = Buffer.from(Array.from({ length: 300_000 }, (_, index) => (index * 7) % 256));
    await inProcess.send(new CreateBucketCommand({ Bucket: 'transport' }));
    await inProcess.send(new PutObjectCommand({ Bucket: 'transport', Key: 'a b/(1).raw', Body: body }));
    for (const client of [overSocket, inProcess]) {
      const object = await client.send(new GetObjectCommand({ Bucket: 'transport', Key: 'a b/(1).raw' }));
      expect(object.ContentLength).toBe(body.length);
      expect(Buffer.from(await object.Body!.transformToByteArray()).equals(body)).toBe(true);
    }
    await expect(inProcess.send(new GetObjectCommand({ Bucket: 'transport', Key: 'missing' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('serves dynalite in-process too', async () => {
    const dynamodb = new DynamoDBClient({ region: 'us-east-1', credentials, endpoint: emulators.current.environment.AWS_ENDPOINT_URL_DYNAMODB! });
    sendInProcess(dynamodb, emulators.current.transport);
    await dynamodb.send(
      new CreateTableCommand({ TableName: 'transport', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
    );
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: 'transport' }));
    expect(Table?.TableName).toBe('transport');
  });
});
