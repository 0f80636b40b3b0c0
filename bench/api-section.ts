/**
 * The API row of `npm run bench`: status lookups against `npm run serve`'s API on loopback
 * (bench/api-load.ts), one run a round: requests per second, p99 latency and the server's CPU per
 * lookup as medians with their spread, and the errors of every round together. The target is read
 * on the medians.
 */
import { benchApiLoad, CONNECTIONS, DURATION_SECONDS, UPLOADS, type ApiLoadFigures } from './api-load';
import { spread } from './measure';
import { withSpread, type BenchSection } from './table';

const TARGET = { requestsPerSecond: 2000, p99Ms: 50 } as const;

export const apiSection: BenchSection = {
  title: 'API: status lookups',
  async run({ rounds }) {
    const runs: ApiLoadFigures[] = [];
    for (let round = 0; round < rounds; round++) runs.push(await benchApiLoad());
    const rate = spread(runs.map((run) => run.requestsPerSecond));
    const p99 = spread(runs.map((run) => run.p99Ms));
    const cpu = spread(runs.map((run) => run.cpuMsPerLookup));
    const errors = runs.reduce((sum, run) => sum + run.errors, 0);
    const non2xx = runs.reduce((sum, run) => sum + run.non2xx, 0);
    return [
      {
        group: 'API',
        name: `GET /v1/uploads/{id} of ${UPLOADS} processed photos, ${CONNECTIONS} connections, ${DURATION_SECONDS} s (autocannon, loopback), ${rounds} runs`,
        figure: `${withSpread(rate, 0)} requests/s, p99 ${withSpread(p99, 0, ' ms')}, server CPU ${withSpread(cpu, 2, ' ms')} a lookup; ${errors} errors, ${non2xx} non-2xx in all`,
        target: {
          text: `≥ ${TARGET.requestsPerSecond}/s, p99 ≤ ${TARGET.p99Ms} ms, no errors`,
          met: rate.median >= TARGET.requestsPerSecond && p99.median <= TARGET.p99Ms && errors === 0 && non2xx === 0,
        },
      },
    ];
  },
};
