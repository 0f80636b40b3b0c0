import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { DynamoJobStore } from '../../../../handlers/adapters/job-store';
import { jobsTableDefinition } from '../../../../handlers/adapters/job-table';
import { DynamoTokenStore, newToken } from '../../../../handlers/adapters/token-store';
import { FRESH_LOOKUP_MS } from '../../../../handlers/entrypoints/api/recent-uploads';
import { startApi, type ApiSettings, type RunningApi } from '../../../../handlers/entrypoints/api/start';
import { startWorkflows } from '../../../../handlers/steps/start-workflow';
import { parseWorkerMessage, reprocessDeduplicationId, reprocessGroupId } from '../../../../handlers/workflow/worker-messages';
import { useEmulators } from '../../../support/emulators';

useEmulators();

const RAW = 'api-raw';
const PROCESSED = 'api-processed';
const TABLE = 'api-jobs';
const MAX_BYTES = 1_000_000;
const GALLERY = { html: '<!doctype html><title>g</title>', js: 'void 0;', css: 'body{}' };

const settings = (overrides: Partial<ApiSettings> = {}): ApiSettings => ({
  serviceName: 'api-test',
  rawBucket: RAW,
  uploadsPrefix: 'uploads/',
  processedBucket: PROCESSED,
  jobsTable: TABLE,
  jobTtlDays: 30,
  maxInputBytes: MAX_BYTES,
  apiHost: '127.0.0.1',
  apiPort: 0,
  uploadUrlSeconds: 120,
  downloadUrlSeconds: 60,
  apiRateLimitPerMinute: 10_000,
  tokenCacheSeconds: 0,
  shutdownGraceSeconds: 5,
  reprocessQueueUrl,
  ...overrides,
});

let s3: S3Client;
let dynamodb: DynamoDBClient;
let sqs: SQSClient;
let reprocessQueueUrl: string;
let tokens: DynamoTokenStore;
let api: RunningApi;
let alice: string;
let bob: string;

beforeAll(async () => {
  s3 = new S3Client({});
  dynamodb = new DynamoDBClient({});
  sqs = new SQSClient({});
  const fifo = { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' };
  reprocessQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'api-reprocess.fifo', Attributes: fifo }))).QueueUrl!;
  for (const bucket of [RAW, PROCESSED]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await dynamodb.send(new CreateTableCommand(jobsTableDefinition(TABLE)));
  tokens = new DynamoTokenStore(dynamodb, TABLE);
  alice = newToken();
  bob = newToken();
  await tokens.create(alice, 'alice', new Date());
  await tokens.create(bob, 'bob', new Date());
  api = await startApi(settings(), GALLERY);
});

afterAll(async () => {
  await api?.close();
  s3.destroy();
  dynamodb.destroy();
  sqs.destroy();
});

/** A request over HTTP, as a client would send it. */
async function send(target: RunningApi, method: string, path: string, headers: Record<string, string>, body?: string) {
  const response = await fetch(`${target.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

async function call(method: string, path: string, token: string | undefined, body?: unknown, target: RunningApi = api) {
  const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const response = await send(target, method, path, headers, body === undefined ? undefined : JSON.stringify(body));
  return { status: response.status, headers: response.headers, json: response.text ? (JSON.parse(response.text) as any) : undefined };
}

const photo = (overrides: Record<string, unknown> = {}) => ({ fileName: 'Holiday photo.JPG', contentType: 'image/jpeg', bytes: 1234, ...overrides });

async function uploadThroughForm(created: { upload: { url: string; fields: Record<string, string> } }, bytes: Buffer): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(created.upload.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(bytes)]), 'photo.jpg');
  return fetch(created.upload.url, { method: 'POST', body: form });
}

describe('authentication', () => {
  it('answers /healthz without a token', async () => {
    expect(await call('GET', '/healthz', undefined)).toMatchObject({ status: 200, json: { status: 'ok' } });
  });

  it.each([
    ['no token', undefined],
    ['a garbage token', 'not-a-token'],
    ['a well-formed token never issued', newToken()],
  ])('refuses %s with 401', async (_, token) => {
    const response = await call('GET', '/v1/uploads', token);
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe('UNAUTHORIZED');
    expect(response.json.error.message).toMatch(/^Expected /);
  });

  it('refuses a revoked token', async () => {
    const token = newToken();
    const record = await tokens.create(token, 'carol', new Date());
    expect((await call('GET', '/v1/uploads', token)).status).toBe(200);
    expect(await tokens.revoke(record.tokenId, new Date())).toBe(true);
    expect((await call('GET', '/v1/uploads', token)).status).toBe(401);
  });
});

describe('POST /v1/uploads', () => {
  it('presigns a POST whose policy pins the key, the content type, the size range and the expiry', async () => {
    const before = Date.now();
    const { status, json } = await call('POST', '/v1/uploads', alice, photo({ album: 'Summer 2026' }));
    expect(status).toBe(201);
    expect(json.uploadId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(json.upload.fields.key).toBe(`uploads/alice/${json.uploadId}/Holiday-photo.JPG`);
    const policy = JSON.parse(Buffer.from(json.upload.fields.Policy, 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: RAW },
        { key: json.upload.fields.key },
        ['eq', '$Content-Type', 'image/jpeg'],
        ['content-length-range', 1, MAX_BYTES],
      ]),
    );
    const expiry = Date.parse(policy.expiration);
    expect(expiry).toBeGreaterThan(before);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 120_000);
    expect(Date.parse(json.expiresAt)).toBeLessThanOrEqual(Date.now() + 120_000);
  });

  it.each([
    ['an unsupported content type', photo({ contentType: 'image/svg+xml' }), 415, 'UNSUPPORTED_FORMAT'],
    ['more bytes than the limit', photo({ bytes: MAX_BYTES + 1 }), 413, 'TOO_LARGE'],
    ['a missing file name', { contentType: 'image/png', bytes: 10 }, 400, 'INVALID_INPUT'],
    ['zero bytes', photo({ bytes: 0 }), 400, 'INVALID_INPUT'],
    ['a bad album name', photo({ album: '../x' }), 400, 'INVALID_INPUT'],
  ])('refuses %s', async (_, body, status, code) => {
    const response = await call('POST', '/v1/uploads', alice, body);
    expect(response.status).toBe(status);
    expect(response.json.error.code).toBe(code);
  });

  it('refuses a body over the limit with 413 and one that is not JSON with 415', async () => {
    const big = await call('POST', '/v1/uploads', alice, { fileName: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('TOO_LARGE');
    const text = await send(api, 'POST', '/v1/uploads', { authorization: `Bearer ${alice}`, 'content-type': 'text/plain' }, 'hello');
    expect(text.status).toBe(415);
    expect(JSON.parse(text.text).error.code).toBe('UNSUPPORTED_FORMAT');
  });
});

describe('an upload through its life', () => {
  it('is PENDING until its object arrives, then shows its job, outputs and states; only to its owner', async () => {
    const created = (await call('POST', '/v1/uploads', alice, photo())).json;
    expect((await call('GET', `/v1/uploads/${created.uploadId}`, alice)).json).toMatchObject({ uploadId: created.uploadId, fileName: 'Holiday photo.JPG', status: 'PENDING', states: [], outputs: [] });

    const form = await uploadThroughForm(created, Buffer.from('jpeg bytes'));
    expect(form.status).toBeLessThan(300);
    const head = await s3.send(new HeadObjectCommand({ Bucket: RAW, Key: created.upload.fields.key }));
    const jobs = new DynamoJobStore(dynamodb, TABLE);
    const [started] = await startWorkflows(
      [{ bucket: RAW, key: created.upload.fields.key, size: 10, etag: head.ETag!, eventTime: new Date().toISOString() }],
      { jobs, starter: { start: async () => ({ executionArn: 'arn:execution', alreadyStarted: false }) }, uploadsPrefix: 'uploads/', startLeaseSeconds: 30 },
    );
    await jobs.advance(started!.jobId, 'VALIDATING');
    const outputKey = `${started!.jobId}/thumb.webp`;
    await s3.send(new PutObjectCommand({ Bucket: PROCESSED, Key: outputKey, Body: 'webp bytes' }));
    await jobs.advance(started!.jobId, 'SUCCEEDED', { outputs: [{ name: 'thumb.webp', filter: null, format: 'webp', width: 320, height: 240, bytes: 10, bucket: PROCESSED, key: outputKey }] });
    // A lookup is reused for FRESH_LOOKUP_MS, so the change is certain to show once that has passed.
    await new Promise((resolve) => setTimeout(resolve, FRESH_LOOKUP_MS));

    const view = (await call('GET', `/v1/uploads/${created.uploadId}`, alice)).json;
    expect(view.status).toBe('SUCCEEDED');
    expect(view.states.map((state: { name: string }) => state.name)).toEqual(['StartWorkflow', 'ValidateImage', 'NotifySuccess']);
    expect(view.outputs).toEqual([expect.objectContaining({ name: 'thumb.webp', filter: null, format: 'webp', width: 320, height: 240, bytes: 10 })]);
    const download = await fetch(view.outputs[0].url);
    expect(await download.text()).toBe('webp bytes');

    expect((await call('GET', `/v1/uploads/${created.uploadId}`, bob)).status).toBe(404);
    expect((await call('DELETE', `/v1/uploads/${created.uploadId}`, bob)).status).toBe(404);
    expect((await call('GET', '/v1/uploads', bob)).json.uploads.map((upload: { uploadId: string }) => upload.uploadId)).not.toContain(created.uploadId);

    expect((await call('DELETE', `/v1/uploads/${created.uploadId}`, alice)).status).toBe(204);
    expect((await call('GET', `/v1/uploads/${created.uploadId}`, alice)).status).toBe(404);
    expect((await call('GET', '/v1/uploads', alice)).json.uploads.map((upload: { uploadId: string }) => upload.uploadId)).not.toContain(created.uploadId);
    await expect(s3.send(new HeadObjectCommand({ Bucket: RAW, Key: created.upload.fields.key }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    await expect(s3.send(new HeadObjectCommand({ Bucket: PROCESSED, Key: outputKey }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('answers 404 for an id that was never handed out and 400 for one that is malformed', async () => {
    expect((await call('GET', '/v1/uploads/AAAAAAAAAAAAAAAAAAAAAA', alice)).status).toBe(404);
    expect((await call('GET', '/v1/uploads/not-an-id', alice)).status).toBe(400);
  });
});

describe('GET /v1/uploads', () => {
  it('pages through an owner’s uploads newest first with an opaque cursor, by album too', async () => {
    const owner = newToken();
    await tokens.create(owner, 'dave', new Date());
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      ids.push((await call('POST', '/v1/uploads', owner, photo({ fileName: `p${index}.jpg`, ...(index % 2 === 0 ? { album: 'even' } : {}) }))).json.uploadId);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: { uploads: { uploadId: string; states?: unknown }[]; next: string | null } } = await call('GET', `/v1/uploads?limit=2${cursor ? `&cursor=${cursor}` : ''}`, owner);
      expect(page.json.uploads.length).toBeLessThanOrEqual(2);
      for (const upload of page.json.uploads) expect(upload.states).toBeUndefined();
      seen.push(...page.json.uploads.map((upload) => upload.uploadId));
      cursor = page.json.next;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const even = (await call('GET', '/v1/uploads?album=even', owner)).json;
    expect(even.uploads.map((upload: { uploadId: string }) => upload.uploadId)).toEqual([ids[4], ids[2], ids[0]]);
    expect(even.next).toBeNull();
    expect((await call('GET', '/v1/uploads?cursor=garbage', owner)).status).toBe(400);
    expect((await call('GET', '/v1/uploads?limit=0', owner)).status).toBe(400);
  });
});

describe('headers and limits', () => {
  it('sends a strict CSP without inline script, nosniff and no framing', async () => {
    const response = await send(api, 'GET', '/', {});
    const csp = String(response.headers.get('content-security-policy'));
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.text).toBe(GALLERY.html);
  });

  it('sends the same security headers with the API’s answers, errors included', async () => {
    const page = await send(api, 'GET', '/', {});
    const headers = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'strict-transport-security'];
    const expected = headers.map((header) => page.headers.get(header));
    expect(expected).not.toContain(null);
    for (const path of ['/v1/uploads', '/nowhere']) {
      const response = await send(api, 'GET', path, { authorization: `Bearer ${alice}` });
      expect(headers.map((header) => response.headers.get(header))).toEqual(expected);
    }
  });

  it('answers 429 with Retry-After once a token exceeds its rate', async () => {
    const limited = await startApi(settings({ apiRateLimitPerMinute: 3 }), GALLERY);
    try {
      const statuses: number[] = [];
      let last;
      for (let index = 0; index < 5; index++) {
        last = await call('GET', '/v1/uploads', alice, undefined, limited);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(last!.json.error.code).toBe('RATE_LIMITED');
      // Every v1 route counts against the same budget, album reprocessing too.
      expect((await call('POST', '/v1/albums/Anything/reprocess', alice, {}, limited)).status).toBe(429);
      expect((await call('GET', '/v1/uploads', bob, undefined, limited)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('POST /v1/albums/{album}/reprocess', () => {
  /** An upload made through the API, its object arrived, and its job ended with `status`. */
  async function processedUpload(token: string, album: string, fileName: string, status: 'SUCCEEDED' | 'FAILED' | 'PENDING') {
    const { uploadId, upload } = (await call('POST', '/v1/uploads', token, photo({ fileName, album }))).json;
    // Upload order is the order of creation, to the millisecond.
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (status === 'PENDING') return { uploadId, jobId: undefined };
    const jobs = new DynamoJobStore(dynamodb, TABLE);
    const jobId = `job-${uploadId}`;
    await jobs.create({ jobId, source: { bucket: RAW, key: upload.fields.key, size: 10 }, receivedAt: new Date().toISOString() }, { uploadId });
    await jobs.advance(jobId, 'VALIDATING');
    await jobs.advance(jobId, status, status === 'FAILED' ? { error: { code: 'CORRUPT', message: 'Corrupt.' } } : { outputs: [] });
    return { uploadId, jobId };
  }

  /** Every message on the reprocess queue, in the order a FIFO group hands them out (the next once the one before is deleted). */
  async function drainQueue(): Promise<Message[]> {
    const messages: Message[] = [];
    for (;;) {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: reprocessQueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'] }));
      if (!received.Messages?.length) return messages;
      messages.push(...received.Messages);
      for (const message of received.Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: reprocessQueueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }

  it('queues one message per SUCCEEDED upload of the caller’s album, in upload order, in the album’s group, deduplicated by batch and upload', async () => {
    const owner = newToken();
    await tokens.create(owner, 'erin', new Date());
    const album = 'Trip 2026';
    const first = await processedUpload(owner, album, 'a.jpg', 'SUCCEEDED');
    await processedUpload(owner, album, 'b.jpg', 'FAILED');
    await processedUpload(owner, album, 'c.jpg', 'PENDING');
    await processedUpload(owner, 'Other', 'elsewhere.jpg', 'SUCCEEDED');
    const last = await processedUpload(owner, album, 'd.jpg', 'SUCCEEDED');
    // Another owner's album of the same name is not touched.
    await processedUpload(bob, album, 'bobs.jpg', 'SUCCEEDED');
    const preset = { name: 'small', renditions: [{ name: 'small', width: 100 }], formats: [{ format: 'webp', quality: 70 }] };

    const response = await call('POST', `/v1/albums/${encodeURIComponent(album)}/reprocess`, owner, { preset });
    expect(response.status).toBe(202);
    expect(response.json).toEqual({ batchId: expect.any(String), count: 2 });
    const { batchId } = response.json;
    const messages = await drainQueue();
    expect(messages.map((message) => parseWorkerMessage(message.Body))).toEqual([first, last].map(({ jobId }) => ({ version: 1, type: 'reprocess', batchId, jobId, preset })));
    expect(messages.map((message) => message.Attributes)).toEqual(
      [first, last].map(({ uploadId }) => ({ MessageGroupId: reprocessGroupId('erin', album), MessageDeduplicationId: reprocessDeduplicationId(batchId, uploadId) })),
    );
  });

  it('takes no body as the configured preset; answers 202 with count 0 for an album with nothing processed, and 404 for one the caller has no upload in', async () => {
    const owner = newToken();
    await tokens.create(owner, 'frank', new Date());
    await processedUpload(owner, 'Waiting', 'w.jpg', 'PENDING');
    await processedUpload(owner, 'Done', 'd.jpg', 'SUCCEEDED');
    await processedUpload(bob, 'Bobs', 'b.jpg', 'SUCCEEDED');
    const done = await call('POST', '/v1/albums/Done/reprocess', owner);
    expect(done).toMatchObject({ status: 202, json: { count: 1 } });
    expect((await drainQueue()).map((message) => parseWorkerMessage(message.Body))).toEqual([{ version: 1, type: 'reprocess', batchId: done.json.batchId, jobId: expect.any(String) }]);
    expect(await call('POST', '/v1/albums/Waiting/reprocess', owner, {})).toMatchObject({ status: 202, json: { batchId: expect.any(String), count: 0 } });
    for (const album of ['Nowhere', 'Bobs']) {
      const missing = await call('POST', `/v1/albums/${album}/reprocess`, owner, {});
      expect(missing.status).toBe(404);
      expect(missing.json.error).toEqual({ code: 'NOT_FOUND', message: `Expected an album of yours named "${album}", but none of your uploads is in it.` });
    }
    expect(await drainQueue()).toEqual([]);
  });

  it.each([
    ['no token', false, 'Done', {}, 401, 'UNAUTHORIZED'],
    ['an album name the uploads refuse', true, '..%2Fx', {}, 400, 'INVALID_INPUT'],
    ['a preset that is not an object', true, 'Done', { preset: 'large' }, 400, 'INVALID_INPUT'],
    ['a preset the worker would refuse', true, 'Done', { preset: { renditions: [{ name: 'small', width: 0 }] } }, 400, 'INVALID_PRESET'],
  ])('refuses %s', async (_, authorized, album, body, status, code) => {
    const response = await call('POST', `/v1/albums/${album}/reprocess`, authorized ? alice : undefined, body);
    expect(response.status).toBe(status);
    expect(response.json.error.code).toBe(code);
    expect(response.json.error.message).toMatch(/^Expected /);
  });
});
