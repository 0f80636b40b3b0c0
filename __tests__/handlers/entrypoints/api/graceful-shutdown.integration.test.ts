/**
 * The API on SIGTERM, in a real child process running the bundle the fleet runs: it stops
 * accepting connections, finishes the request in flight, and exits by itself — at the latest when
 * its grace period (kept inside the load balancer's deregistration delay) is over. DynamoDB is a
 * stand-in whose answers the test releases, so "in flight" is a state, not a race.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGallery } from '../../../../handlers/entrypoints/api/gallery/build';
import { bundleEntrypoints } from '../../../../stacks/packaging/bundle';
import { startJsonProtocolServer, type JsonProtocolServer } from '../../../support/json-protocol-server';
import { ROOT } from '../../../stacks/support';

const DEREGISTRATION_DELAY_SECONDS = 30;
const GRACE_SECONDS = 3;

let bundlePath: string;
beforeAll(async () => {
  const directory = mkdtempSync(join(tmpdir(), 'api-bundle-'));
  const [{ bundles }, gallery] = await Promise.all([bundleEntrypoints({ root: ROOT, entrypoints: ['api'] }), buildGallery()]);
  mkdirSync(join(directory, 'gallery'));
  writeFileSync(join(directory, 'index.js'), bundles[0]!.code);
  for (const [name, text] of [['index.html', gallery.html], ['gallery.js', gallery.js], ['gallery.css', gallery.css]] as const) writeFileSync(join(directory, 'gallery', name), text);
  bundlePath = join(directory, 'index.js');
}, 60_000);

interface RunningApi {
  readonly child: ChildProcess;
  readonly url: string;
  readonly logs: string[];
  readonly exited: Promise<number | null>;
}

async function startApi(dynamodb: JsonProtocolServer): Promise<RunningApi> {
  const child = spawn(process.execPath, [bundlePath], {
    env: {
      PATH: process.env.PATH,
      POWERTOOLS_SERVICE_NAME: 'shutdown-test',
      RAW_BUCKET: 'raw',
      PROCESSED_BUCKET: 'processed',
      JOBS_TABLE: 'jobs',
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      // Presigning needs no call; nothing may reach S3.
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
      // Nothing here reprocesses an album; nothing may reach SQS.
      REPROCESS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/reprocess.fifo',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        logs.push(line);
        const parsed = JSON.parse(line) as { message?: string; url?: string };
        if (parsed.message === 'Listening' && parsed.url) resolve(parsed.url);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => logs.push(chunk));
    void exited.then((code) => reject(new Error(`The API exited with ${code} before listening:\n${logs.join('\n')}`)));
  });
  return { child, url, logs, exited };
}

/** A GET on a connection of its own (no pooled socket), resolving with the status and body. */
function get(url: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { agent: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** A stand-in DynamoDB that knows one token and no uploads, answering each call once the test lets it. */
async function heldDynamoDb() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const firstCall = new Promise<void>((resolve) => (arrived = resolve));
  const server = await startJsonProtocolServer(async ({ target }) => {
    arrived();
    await released;
    if (target.endsWith('.GetItem')) return { status: 200, body: { Item: { owner: { S: 'alice' }, tokenId: { S: 't1' }, createdAt: { S: '2026-01-01T00:00:00.000Z' } } } };
    return { status: 200, body: { Items: [], Count: 0, ScannedCount: 0 } };
  });
  return { server, release, firstCall };
}

describe('the API on SIGTERM', () => {
  it('refuses new connections, finishes the request in flight and exits 0 on its own', async () => {
    const dynamodb = await heldDynamoDb();
    const api = await startApi(dynamodb.server);
    try {
      const inFlight = get(`${api.url}/v1/uploads`, 'token-of-alice');
      await dynamodb.firstCall;
      api.child.kill('SIGTERM');
      await waitForLog(api, 'SIGTERM: draining the requests in flight');
      await expect(get(`${api.url}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      dynamodb.release();
      expect(await inFlight).toEqual({ status: 200, body: JSON.stringify({ uploads: [], next: null }) });
      expect(await api.exited).toBe(0);
    } finally {
      api.child.kill('SIGKILL');
      await dynamodb.server.close();
    }
  }, 60_000);

  it('exits on its own when a request outlasts the grace period, well within the deregistration delay', async () => {
    expect(GRACE_SECONDS).toBeLessThan(DEREGISTRATION_DELAY_SECONDS);
    const dynamodb = await heldDynamoDb();
    const api = await startApi(dynamodb.server);
    try {
      const stuck = get(`${api.url}/v1/uploads`, 'token-of-alice').catch((error: unknown) => error);
      await dynamodb.firstCall;
      const signalled = Date.now();
      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
      const seconds = (Date.now() - signalled) / 1000;
      expect(seconds).toBeGreaterThanOrEqual(GRACE_SECONDS - 0.5);
      expect(seconds).toBeLessThan(DEREGISTRATION_DELAY_SECONDS);
      await stuck;
    } finally {
      api.child.kill('SIGKILL');
      dynamodb.release();
      await dynamodb.server.close();
    }
  }, 60_000);
});

async function waitForLog(api: RunningApi, message: string): Promise<void> {
  while (!api.logs.some((line) => line.includes(message))) {
    const exited = await Promise.race([api.exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 20))]);
    if (exited) throw new Error(`The API exited before logging "${message}":\n${api.logs.join('\n')}`);
  }
}
