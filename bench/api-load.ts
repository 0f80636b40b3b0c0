/**
 * The API row of `npm run bench`: autocannon on loopback against `npm run serve`'s API, with the
 * emulators in the same process — status lookups (GET /v1/uploads/{id} of a processed photo, seven
 * presigned output URLs each) at 64 connections for 20 s. Target: ≥ 2,000 lookups/s, p99 ≤ 50 ms,
 * no errors. The token's rate limit is raised for the run (one token sends every request).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { startServe } from '../local/serve';

export const CONNECTIONS = 64;
export const DURATION_SECONDS = 20;

async function processedUpload(url: string, token: string): Promise<string> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const photo = readFileSync(join(__dirname, '..', 'samples', 'landscape.jpg'));
  const created = (await (await fetch(`${url}/v1/uploads`, { method: 'POST', headers, body: JSON.stringify({ fileName: 'landscape.jpg', contentType: 'image/jpeg', bytes: photo.length }) })).json()) as {
    uploadId: string;
    upload: { url: string; fields: Record<string, string> };
  };
  const form = new FormData();
  for (const [name, value] of Object.entries(created.upload.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(photo)]), 'landscape.jpg');
  await fetch(created.upload.url, { method: 'POST', body: form });
  for (let attempt = 0; attempt < 240; attempt++) {
    const view = (await (await fetch(`${url}/v1/uploads/${created.uploadId}`, { headers })).json()) as { status: string };
    if (view.status === 'SUCCEEDED') return created.uploadId;
    if (view.status === 'FAILED') throw new Error('The benchmark photo failed to process.');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('The benchmark photo was not processed within 60 s.');
}

export async function benchApiLoad(): Promise<{ requestsPerSecond: number; p99Ms: number; errors: number; non2xx: number; loadAverage: number[] }> {
  const serving = await startServe({ port: 0, apiEnvironment: { API_RATE_LIMIT_PER_MINUTE: '1000000' } });
  try {
    const uploadId = await processedUpload(serving.url, serving.token);
    const before = loadavg();
    const result = await autocannon({
      url: `${serving.url}/v1/uploads/${uploadId}`,
      connections: CONNECTIONS,
      duration: DURATION_SECONDS,
      headers: { authorization: `Bearer ${serving.token}` },
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
