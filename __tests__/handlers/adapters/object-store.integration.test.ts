import type { Readable } from 'node:stream';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CodedError } from '../../../handlers/core/errors';
import { S3ObjectStore } from '../../../handlers/adapters/object-store';
import { useEmulators } from '../../support/emulators';
import { startFixedResponseServer } from '../../support/fixed-response-server';

const emulators = useEmulators();
const BUCKET = 'adapter-objects';

let client: S3Client;
let store: S3ObjectStore;
/** Every request the client sends, as `<command> <query string>`. */
const sent: { command: string; query: Record<string, unknown> }[] = [];
/** The last GetObject response body, to check how much of it was read. */
let lastBody: Readable | undefined;

beforeAll(() => {
  emulators.current.fauxqs.createBucket(BUCKET);
  client = new S3Client({});
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { query?: Record<string, unknown> };
      sent.push({ command: context.commandName ?? '', query: { ...request.query } });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordRequests' },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { Body?: unknown };
      if (output.Body) lastBody = output.Body as Readable;
      return result;
    },
    { step: 'initialize', name: 'keepBody' },
  );
  store = new S3ObjectStore(client);
});

afterAll(() => client.destroy());

beforeEach(() => {
  sent.length = 0;
  lastBody = undefined;
});

describe('S3ObjectStore', () => {
  it('puts an object with its headers and reads the same bytes back', async () => {
    const body = Buffer.from('hello, processed world');
    const { etag } = await store.put({ bucket: BUCKET, key: 'out/a.webp' }, body, {
      contentType: 'image/webp',
      cacheControl: 'public, max-age=31536000, immutable',
      metadata: { job: 'job-1' },
    });
    expect(etag).toMatch(/^"[0-9a-f]+"$/);

    await expect(store.getBytes({ bucket: BUCKET, key: 'out/a.webp' }, { maxBytes: 1024 })).resolves.toEqual(body);
    const raw = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'out/a.webp' }));
    expect(raw).toMatchObject({
      ContentLength: body.length,
      ETag: etag,
      ContentType: 'image/webp',
      CacheControl: 'public, max-age=31536000, immutable',
      Metadata: { job: 'job-1' },
    });
  });

  it('uploads a body larger than one part in parts and reads it back whole', async () => {
    const body = Buffer.alloc(17 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
    sent.length = 0;
    await store.put({ bucket: BUCKET, key: 'big/master.raw' }, body, { contentType: 'application/octet-stream' });
    expect(sent.map((request) => request.command)).toContain('CompleteMultipartUploadCommand');
    const read = await store.getBytes({ bucket: BUCKET, key: 'big/master.raw' }, { maxBytes: body.length });
    expect(read.equals(body)).toBe(true);
  });

  it('reads the revision its ETag names, and says so when the key was overwritten since', async () => {
    const first = await store.put({ bucket: BUCKET, key: 'pinned.jpg' }, Buffer.from('first'), { contentType: 'image/jpeg' });
    const unquoted = first.etag!.replace(/"/g, '');
    const pointer = { bucket: BUCKET, key: 'pinned.jpg', etag: unquoted };
    expect((await store.getBytes(pointer, { maxBytes: 100 })).toString()).toBe('first');
    await store.put({ bucket: BUCKET, key: 'pinned.jpg' }, Buffer.from('second'), { contentType: 'image/jpeg' });
    await expect(store.getBytes(pointer, { maxBytes: 100 })).rejects.toMatchObject({ code: 'SOURCE_CHANGED' });
  });

  it('reports a missing object as OBJECT_MISSING', async () => {
    await expect(store.getBytes({ bucket: BUCKET, key: 'never-uploaded.jpg' }, { maxBytes: 100 })).rejects.toMatchObject({
      code: 'OBJECT_MISSING',
      message: `Expected s3://${BUCKET}/never-uploaded.jpg to exist, but it is gone.`,
    });
  });

  it('asks for the pointer’s version when it has one', async () => {
    await store.put({ bucket: BUCKET, key: 'uploads/v.jpg' }, Buffer.from('v1'), { contentType: 'image/jpeg' });
    sent.length = 0;
    // fauxqs does not version buckets and serves the current object; the request must still name the version.
    const bytes = await store.getBytes({ bucket: BUCKET, key: 'uploads/v.jpg', versionId: 'v-123' }, { maxBytes: 10 });
    expect(bytes.toString()).toBe('v1');
    expect(sent).toEqual([expect.objectContaining({ command: 'GetObjectCommand', query: expect.objectContaining({ versionId: 'v-123' }) })]);

    sent.length = 0;
    await store.getBytes({ bucket: BUCKET, key: 'uploads/v.jpg' }, { maxBytes: 10 });
    expect(sent[0]?.query).not.toHaveProperty('versionId');
  });

  it('reads a range of an object, and the rest of it after', async () => {
    const body = Buffer.from(Array.from({ length: 1000 }, (_, index) => index % 251));
    await store.put({ bucket: BUCKET, key: 'ranged.bin' }, body, { contentType: 'application/octet-stream' });
    const pointer = { bucket: BUCKET, key: 'ranged.bin' };
    const head = await store.getBytes(pointer, { maxBytes: 1000, range: { start: 0, end: 99 } });
    const rest = await store.getBytes(pointer, { maxBytes: 1000, range: { start: 100, end: 999 } });
    expect(head.length).toBe(100);
    expect(Buffer.concat([head, rest]).equals(body)).toBe(true);
  });

  it('reads an object of exactly maxBytes', async () => {
    const body = Buffer.alloc(4096, 7);
    await store.put({ bucket: BUCKET, key: 'uploads/exact.png' }, body, { contentType: 'image/png' });
    await expect(store.getBytes({ bucket: BUCKET, key: 'uploads/exact.png' }, { maxBytes: 4096 })).resolves.toEqual(body);
  });

  it('fails with TOO_LARGE from the declared length, without reading the body', async () => {
    await store.put({ bucket: BUCKET, key: 'uploads/big.tif' }, Buffer.alloc(2 * 1024 * 1024, 1), { contentType: 'image/tiff' });
    sent.length = 0;

    const failure = await store.getBytes({ bucket: BUCKET, key: 'uploads/big.tif' }, { maxBytes: 1024 * 1024 }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(CodedError);
    expect(failure).toMatchObject({
      code: 'TOO_LARGE',
      message: `Expected s3://${BUCKET}/uploads/big.tif to be at most 1048576 bytes, but it declares 2097152 bytes.`,
    });
    expect(sent.map((request) => request.command)).toEqual(['GetObjectCommand']); // no HEAD
    expect(lastBody?.readableDidRead).toBe(false);
    expect(lastBody?.destroyed).toBe(true);
  });

  it('lists the objects under a prefix with their sizes', async () => {
    await Promise.all(
      ['list/b.jpg', 'list/a.jpg', 'list/sub/c.jpg', 'listing/other.jpg'].map((key, index) =>
        store.put({ bucket: BUCKET, key }, Buffer.alloc(index + 1), { contentType: 'image/jpeg' }),
      ),
    );
    await expect(store.list(BUCKET, 'list/')).resolves.toEqual([
      { key: 'list/a.jpg', size: 2 },
      { key: 'list/b.jpg', size: 1 },
      { key: 'list/sub/c.jpg', size: 3 },
    ]);
    await expect(store.list(BUCKET, 'nothing-here/')).resolves.toEqual([]);
  });

  it('deletes every object under a prefix, one DeleteObjects call per listed page', async () => {
    // Pages of 10 stand in for S3's 1000 so the test crosses page boundaries with few objects.
    const paged = new S3ObjectStore(client, { deleteBatchSize: 10 });
    const keys = Array.from({ length: 25 }, (_, index) => `job-7/part-${String(index).padStart(2, '0')}.raw`);
    await Promise.all(keys.map((key) => paged.put({ bucket: BUCKET, key }, Buffer.from('x'), { contentType: 'application/octet-stream' })));
    await paged.put({ bucket: BUCKET, key: 'job-70/keep.raw' }, Buffer.from('x'), { contentType: 'application/octet-stream' });
    sent.length = 0;

    await expect(paged.deletePrefix(BUCKET, 'job-7/')).resolves.toBe(25);

    expect(sent.map((request) => request.command)).toEqual([
      'ListObjectsV2Command',
      'DeleteObjectsCommand',
      'ListObjectsV2Command',
      'DeleteObjectsCommand',
      'ListObjectsV2Command',
      'DeleteObjectsCommand',
    ]);
    expect(sent[0]?.query).toMatchObject({ 'max-keys': '10' });
    await expect(store.list(BUCKET, 'job-7/')).resolves.toEqual([]);
    await expect(store.list(BUCKET, 'job-70/')).resolves.toEqual([{ key: 'job-70/keep.raw', size: 1 }]);
    await expect(paged.deletePrefix(BUCKET, 'job-7/')).resolves.toBe(0);
  });

  it('accepts a delete batch size from 1 to 1000 only', () => {
    expect(() => new S3ObjectStore(client, { deleteBatchSize: 1001 })).toThrow('Expected deleteBatchSize to be a whole number from 1 to 1000, but received 1001.');
    expect(() => new S3ObjectStore(client, { deleteBatchSize: 0 })).toThrow(CodedError);
  });

  it('refuses to delete with an empty prefix', async () => {
    await expect(store.deletePrefix(BUCKET, '')).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(store.list(BUCKET, 'out/')).resolves.not.toEqual([]);
  });

  it('maps S3 throttling (503 SlowDown) to TRANSIENT, keeping the SDK error as cause', async () => {
    const slowDown = await startFixedResponseServer({
      status: 503,
      contentType: 'application/xml',
      body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
    });
    const throttled = new S3Client({ endpoint: slowDown.endpoint, forcePathStyle: true, maxAttempts: 1 });
    try {
      const failure = await new S3ObjectStore(throttled)
        .put({ bucket: BUCKET, key: 'out/b.webp' }, Buffer.from('b'), { contentType: 'image/webp' })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CodedError);
      expect(failure).toMatchObject({
        code: 'TRANSIENT',
        message: 'Expected S3 PutObject to succeed, but it failed with a temporary error (SlowDown: Please reduce your request rate.); a retry may succeed.',
        cause: { name: 'SlowDown', $metadata: { httpStatusCode: 503 } },
      });
    } finally {
      throttled.destroy();
      await slowDown.close();
    }
  });
});
