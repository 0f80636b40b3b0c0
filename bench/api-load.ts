/**
 * The API row of `npm run bench`: autocannon on loopback against `npm run serve`'s API, with the
 * emulators in the same process as the API — status lookups (GET /v1/uploads/{id} of processed
 * photos, seven presigned output URLs each) at 64 connections for 20 s. Target: ≥ 2,000
 * lookups/s, p99 ≤ 50 ms, no errors. The token's rate limit is raised for the run (one token
 * sends every request).
 *
 * The load generator runs in a process of its own (bench/api-load-client.ts), so it does not take
 * turns with the API and the emulators on one event loop (the machine has two cores), and the CPU
 * time this process spends during the run is the serve system's alone (the API, the emulators, the
 * idle workflow and reconciler): divided by the lookups answered, it is the server's CPU per
 * lookup, which other work on a shared machine disturbs far less than the rate. Each connection
 * cycles through UPLOADS different processed uploads, so a lookup is not always the same item;
 * with 8 of them nearly every lookup is answered from the API's 1-s reuse of lookups. The measured
 * figures, and what a lookup that misses the reuse costs, are in docs/benchmarks.md.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { startServe } from '../local/serve';
import type { LoadResult, LoadRun } from './api-load-client';

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

export interface ApiLoadFigures extends Omit<LoadResult, 'completed'> {
  /** CPU time of the serve system's process (the API, the emulators, the idle workflow) per lookup answered. */
  readonly cpuMsPerLookup: number;
  /** The load average (1, 5, 15 min) as the run began. */
  readonly loadAverage: number[];
}

/** Runs the load generator in a child process and waits for its result. */
function generateLoad(run: LoadRun): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'api-load-client.ts'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: LoadResult | undefined;
    child.once('message', (message: LoadResult) => (result = message));
    child.once('error', reject);
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`The load generator exited with ${code} before it reported.`))));
    child.send(run);
  });
}

export async function benchApiLoad(): Promise<ApiLoadFigures> {
  const serving = await startServe({ port: 0, apiEnvironment: { API_RATE_LIMIT_PER_MINUTE: '1000000' } });
  try {
    const uploadIds = await Promise.all(Array.from({ length: UPLOADS }, () => processedUpload(serving.url, serving.token)));
    const loadAverage = loadavg();
    const cpuBefore = process.cpuUsage();
    const { completed, ...load } = await generateLoad({
      url: serving.url,
      token: serving.token,
      paths: uploadIds.map((uploadId) => `/v1/uploads/${uploadId}`),
      connections: CONNECTIONS,
      durationSeconds: DURATION_SECONDS,
    });
    const cpu = process.cpuUsage(cpuBefore);
    return { ...load, cpuMsPerLookup: (cpu.user + cpu.system) / 1000 / Math.max(completed, 1), loadAverage };
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
