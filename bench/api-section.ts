/**
 * The API row of `npm run bench`: status lookups against `npm run serve`'s API on loopback
 * (bench/api-load.ts), as requests per second and p99 latency, with errors counted.
 */
import { benchApiLoad, CONNECTIONS, DURATION_SECONDS } from './api-load';
import type { BenchSection } from './table';

const TARGET = { requestsPerSecond: 2000, p99Ms: 50 } as const;

export const apiSection: BenchSection = {
  title: 'API: status lookups',
  async run() {
    const api = await benchApiLoad();
    return [
      {
        group: 'API',
        name: `GET /v1/uploads/{id}, ${CONNECTIONS} connections, ${DURATION_SECONDS} s (autocannon, loopback)`,
        figure: `${api.requestsPerSecond.toFixed(0)} requests/s, p99 ${api.p99Ms} ms, ${api.errors} errors, ${api.non2xx} non-2xx; server CPU ${api.cpuMsPerLookup.toFixed(2)} ms a lookup`,
        target: {
          text: `≥ ${TARGET.requestsPerSecond}/s, p99 ≤ ${TARGET.p99Ms} ms, no errors`,
          met: api.requestsPerSecond >= TARGET.requestsPerSecond && api.p99Ms <= TARGET.p99Ms && api.errors === 0 && api.non2xx === 0,
        },
      },
    ];
  },
};
