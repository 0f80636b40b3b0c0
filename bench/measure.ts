/** CPU (all threads of this process, libvips' included) and wall time of one run. */
export interface Measurement {
  readonly cpuMs: number;
  readonly wallMs: number;
}

export async function measure(run: () => Promise<unknown>): Promise<Measurement> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await run();
  const cpu = process.cpuUsage(cpuBefore);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wallBefore };
}

/** Median of repeated, interleaved runs, so drift on the machine hits both sides alike. */
export async function compare(
  rounds: number,
  candidates: Record<string, () => Promise<unknown>>,
): Promise<Record<string, Measurement>> {
  const samples: Record<string, Measurement[]> = Object.fromEntries(Object.keys(candidates).map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, run] of Object.entries(candidates)) samples[name]?.push(await measure(run));
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  return Object.fromEntries(
    Object.entries(samples).map(([name, runs]) => [
      name,
      { cpuMs: median(runs.map((run) => run.cpuMs)), wallMs: median(runs.map((run) => run.wallMs)) },
    ]),
  );
}
