/**
 * `npm run bench`: our processing against the one-pass sharp reference, on the same photos,
 * in the same run, printed as ratios (never asserted in tests).
 *   1. one-shot: the in-process core (`npm run process`) — target ≤ 1.2× the reference's CPU.
 *   2. local pipeline: the whole workflow on the emulators (`npm start`) — target ≤ 1.5× CPU
 *      and ≤ 1.3× wall of the reference, with the time spent in each state.
 *   3. API: status lookups against `npm run serve`'s API (bench/api-load.ts) — target ≥ 2,000/s, p99 ≤ 50 ms.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DEFAULT_LIMITS } from '../handlers/core/limits';
import { DEFAULT_PRESET } from '../handlers/core/preset';
import { processImage } from '../handlers/core/process';
import { loadCorpus, type CorpusImage } from './corpus';
import { compare, type Measurement } from './measure';
import { onePass } from './reference';
import { benchLocalPipeline } from './local-pipeline';
import { benchApiLoad, CONNECTIONS, DURATION_SECONDS } from './api-load';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function ratioLine(label: string, ours: Measurement, reference: Measurement, targets: { cpu: number; wall?: number }): string {
  const cpu = ours.cpuMs / reference.cpuMs;
  const wall = ours.wallMs / reference.wallMs;
  const verdict = cpu <= targets.cpu && (targets.wall === undefined || wall <= targets.wall) ? 'meets target' : 'MISSES target';
  const target = `target ≤ ${targets.cpu}× CPU${targets.wall ? `, ≤ ${targets.wall}× wall` : ''}`;
  return `${label}: CPU ${cpu.toFixed(2)}×, wall ${wall.toFixed(2)}× (${target}: ${verdict})`;
}

function row(name: string, m: Measurement): string {
  return `  ${name.padEnd(16)} cpu ${(m.cpuMs / 1000).toFixed(2).padStart(7)} s   wall ${(m.wallMs / 1000).toFixed(2).padStart(7)} s`;
}

async function main(): Promise<void> {
  // No operation cache on either side: every run does its full work.
  sharp.cache(false);
  const { source, images } = await loadCorpus();
  const megapixels = images.reduce((sum, image) => sum + image.width * image.height, 0) / 1e6;
  console.log(`Corpus: ${images.length} photos, ${megapixels.toFixed(1)} MP in all, from ${source}`);
  console.log(`Rounds: ${ROUNDS} (medians), sharp concurrency ${sharp.concurrency()}\n`);

  const reference = () => each(images, (image) => onePass(image.bytes));
  const oneShot = () => each(images, (image) => processImage(image.bytes, { preset: DEFAULT_PRESET, limits: DEFAULT_LIMITS }));
  await oneShot();
  const results = await compare(ROUNDS, { reference, 'one-shot': oneShot });
  console.log('1. One-shot processing (in-process core)');
  console.log(row('reference', results.reference!));
  console.log(row('one-shot', results['one-shot']!));
  console.log(ratioLine('   one-shot / reference', results['one-shot']!, results.reference!, { cpu: 1.2 }));

  const outDir = await mkdtemp(join(tmpdir(), 'bench-local-'));
  try {
    console.log('\n2. Local pipeline (state machine on the emulators)');
    const local = await benchLocalPipeline(images, outDir, ROUNDS, reference);
    console.log(row('reference', local.reference));
    console.log(row('local pipeline', local.pipeline));
    console.log(ratioLine('   pipeline / reference', local.pipeline, local.reference, { cpu: 1.5, wall: 1.3 }));
    console.log('   time per state (sum over all jobs, last round):');
    for (const [state, ms] of Object.entries(local.states)) console.log(`     ${state.padEnd(16)} ${(ms / 1000).toFixed(2)} s`);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }

  console.log(`\n3. API status lookups (autocannon, ${CONNECTIONS} connections, ${DURATION_SECONDS} s, loopback)`);
  const api = await benchApiLoad();
  const meets = api.requestsPerSecond >= 2000 && api.p99Ms <= 50 && api.errors === 0 && api.non2xx === 0;
  console.log(`   ${api.requestsPerSecond.toFixed(0)} requests/s, p99 ${api.p99Ms} ms, ${api.errors} errors, ${api.non2xx} non-2xx (target ≥ 2000/s, p99 ≤ 50 ms: ${meets ? 'meets target' : 'MISSES target'})`);
  console.log(`   load average before the run: ${api.loadAverage.map((value) => value.toFixed(2)).join(', ')}`);
}

async function each(images: readonly CorpusImage[], run: (image: CorpusImage) => Promise<unknown>): Promise<void> {
  for (const image of images) await run(image);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
