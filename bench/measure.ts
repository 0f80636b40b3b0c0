/**
 * How `npm run bench` measures: CPU (user + system) and wall time of a run, repeated in
 * interleaved rounds (A, B, C, A, B, C, …) so drift on the shared machine hits every candidate
 * alike, and reported as the median with its spread (min–max).
 */

/** CPU (all threads, and every child process waited for) and wall time of one run. */
export interface Measurement {
  readonly cpuMs: number;
  readonly wallMs: number;
}

/** The median of repeated samples, and their least and greatest. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('Expected at least one sample to take a median of, but received none.');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export interface Samples {
  readonly cpuMs: Spread;
  readonly wallMs: Spread;
  /** Each round's CPU and wall divided by the yardstick's of the same round, when a yardstick is named. */
  readonly ratio?: { readonly cpu: Spread; readonly wall: Spread };
}

/**
 * Runs every candidate once per round, in the order given, for `rounds` rounds, and sums up each
 * one's samples. With `yardstick`, each candidate's ratios are taken round by round against it.
 */
export async function interleave(
  rounds: number,
  candidates: Readonly<Record<string, () => Promise<Measurement>>>,
  yardstick?: string,
): Promise<Record<string, Samples>> {
  const runs: Record<string, Measurement[]> = Object.fromEntries(Object.keys(candidates).map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, run] of Object.entries(candidates)) runs[name]!.push(await run());
  }
  const base = yardstick === undefined ? undefined : runs[yardstick];
  return Object.fromEntries(
    Object.entries(runs).map(([name, samples]) => [
      name,
      {
        cpuMs: spread(samples.map((sample) => sample.cpuMs)),
        wallMs: spread(samples.map((sample) => sample.wallMs)),
        ...(base && name !== yardstick
          ? {
              ratio: {
                cpu: spread(samples.map((sample, round) => sample.cpuMs / base[round]!.cpuMs)),
                wall: spread(samples.map((sample, round) => sample.wallMs / base[round]!.wallMs)),
              },
            }
          : {}),
      },
    ]),
  );
}
