/**
 * The whole local pipeline (emulators, state machine, every handler, read-back of results) on
 * the corpus, interleaved with the one-pass reference over the same photos.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runLocalPipeline } from '../local/pipeline';
import type { Report } from '../local/report';
import type { CorpusImage } from './corpus';
import { compare, type Measurement } from './measure';

export interface LocalPipelineBench {
  readonly reference: Measurement;
  readonly pipeline: Measurement;
  /** Milliseconds per state, summed over the jobs of the last round. */
  readonly states: Record<string, number>;
}

export async function benchLocalPipeline(
  images: readonly CorpusImage[],
  outDir: string,
  rounds: number,
  reference: () => Promise<void>,
): Promise<LocalPipelineBench> {
  let last: Report | undefined;
  const pipeline = async () => {
    const out = join(outDir, 'run');
    await rm(out, { recursive: true, force: true });
    const result = await runLocalPipeline({ inputs: images.map((image) => image.path), outDir: out });
    if (result.problems.length > 0) throw new Error(`The local pipeline reported problems: ${result.problems.join('; ')}`);
    last = result.report;
  };
  await pipeline();
  const results = await compare(rounds, { reference, pipeline });
  const states: Record<string, number> = {};
  for (const job of last?.jobs ?? []) {
    for (const state of job.states) states[state.name] = (states[state.name] ?? 0) + state.ms;
  }
  return { reference: results.reference!, pipeline: results.pipeline!, states };
}
