/**
 * The load generator of bench/api-load.ts, in a process of its own (forked), so the API's process
 * holds only the API and the emulators and its CPU time is theirs alone. Receives the run's
 * options as its first message and answers with autocannon's result.
 */
import autocannon from 'autocannon';

export interface LoadRun {
  readonly url: string;
  readonly token: string;
  readonly paths: readonly string[];
  readonly connections: number;
  readonly durationSeconds: number;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly completed: number;
  readonly errors: number;
  readonly non2xx: number;
}

process.once('message', (run: LoadRun) => {
  autocannon({
    url: run.url,
    connections: run.connections,
    duration: run.durationSeconds,
    headers: { authorization: `Bearer ${run.token}` },
    // Each connection cycles through the paths in turn.
    requests: run.paths.map((path) => ({ method: 'GET', path })),
  }).then(
    (result) => {
      const answer: LoadResult = {
        requestsPerSecond: result.requests.average,
        p99Ms: result.latency.p99,
        completed: result.requests.total,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
      };
      process.send!(answer, () => process.exit(0));
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
});
