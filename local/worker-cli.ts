/**
 * `npm run worker`: the worker alone, the same process the container runs
 * (handlers/entrypoints/worker/main.ts), against the endpoints and queues its environment names
 * (`AWS_ENDPOINT_URL_*`, `HEAVY_QUEUE_URL`, `REPROCESS_QUEUE_URL`, … — docs/local.md). Names under
 * `*.localhost`, which the local emulators' URLs use, resolve to loopback here as they do in the
 * runners.
 */
async function main(): Promise<void> {
  // fauxqs is ESM-only; `import()` loads it from CommonJS (local/emulators.ts does the same).
  const { interceptLocalhostDns } = await import('fauxqs');
  interceptLocalhostDns();
  await import('../handlers/entrypoints/worker/main');
}

void main();
