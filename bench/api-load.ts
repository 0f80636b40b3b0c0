/**
 * The API row of `npm run bench`: autocannon on loopback against `npm run serve`'s API, with the
 * emulators in the same process as the API — status lookups (GET /v1/uploads/{id} of processed
 * photos, seven presigned output URLs each) at 64 connections for 20 s. Target: ≥ 2,000
 * lookups/s, p99 ≤ 50 ms, no errors. The token's rate limit is raised for the run (one token
 * sends every request).
 *
 * The load generator runs on a worker thread of its own, so it does not take turns with the API
 * and the emulators on one event loop (the machine has two cores). Each connection cycles through
 * UPLOADS different processed uploads, so a lookup is not always the same item.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { startServe } from '../local/serve';

export const CONNECTIONS = 64;
export const DURATION_SECONDS = 20;
/** How many processed photos the lookups cycle through. */
export const UPLOADS = 8;

async function processedUpload(url: string, token: string): Promise<string> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const photo = readFileSync(join(__dirname, '..', 'samples', 'square.webp'));
  const created = (await (await fetch(`${url}/v1/uploads`, { method: 'POST', headers, body: JSON.stringify({ fileName: 'square.webp', contentType: 'image/webp', bytes: photo.length }) })).json()) as {
    uploadId: string;
    upload: { url: string; fields: Record<string, string> };
  };
  const form = new FormData();
  for (const [name, value] of Object.entries(created.upload.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(photo)]), 'square.webp');
  await fetch(created.upload.url, { method: 'POST', body: form });
  for (let attempt = 0; attempt < 480; attempt++) {
    const view = (await (await fetch(`${url}/v1/uploads/${created.uploadId}`, { headers })).json()) as { status: string };
    if (view.status === 'SUCCEEDED') return created.uploadId;
    if (view.status === 'FAILED') throw new Error('The benchmark photo failed to process.');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('The benchmark photo was not processed within 120 s.');
}

export async function benchApiLoad(): Promise<{ requestsPerSecond: number; p99Ms: number; errors: number; non2xx: number; loadAverage: number[] }> {
  const serving = await startServe({ port: 0, apiEnvironment: { API_RATE_LIMIT_PER_MINUTE: '1000000' } });
  try {
    const uploadIds = await Promise.all(Array.from({ length: UPLOADS }, () => processedUpload(serving.url, serving.token)));
    const before = loadavg();
    const result = await autocannon({
      url: serving.url,
      connections: CONNECTIONS,
      duration: DURATION_SECONDS,
      workers: 1,
      headers: { authorization: `Bearer ${serving.token}` },
      requests: uploadIds.map((uploadId) => ({ method: 'GET', path: `/v1/uploads/${uploadId}` })),
    });
    return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx, loadAverage: before };
  } finally {
    await serving.stop();
  }
}

if (require.main === module) {
  benchApiLoad().then(
    (result) => console.log(JSON.stringify(result)),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
