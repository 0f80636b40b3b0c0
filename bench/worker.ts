/**
 * `npm run bench:worker`: the figures docs/benchmarks.md gives for the worker, printed, never
 * asserted. Photos: every JPEG or PNG over 5 MP under BENCH_PHOTOS, or by default under
 * /usr/share/backgrounds and /usr/share/wallpapers (bench/install-photos.sh installs some).
 *   1. ValidateImage's decode: peak resident memory above the process's own, per megapixel, each
 *      photo decoded in a fresh process — what sets the worker threshold's default.
 *   2. Seconds per heavy image on the worker: every photo sent down ProcessOnWorker on the local
 *      system (the worker in-process, its memory budget as on a default task), BENCH_ROUNDS rounds;
 *      the worker's own StateDuration per job, and the batch's wall time per image.
 * BENCH_PARTS=1,3 runs only those parts.
 *   3. SIGTERM drain: a worker process holding three heavy jobs of the largest JPEG, one running, is sent SIGTERM;
 *      the time to its exit, and what it finished and gave back, BENCH_ROUNDS times.
 */
import { spawn, spawnSync } from 'node:child_process';
import { globSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import sharp from 'sharp';
import { MiB } from '../handlers/runtime/admission';
import { BUSINESS_METRICS, STEP_DIMENSION } from '../handlers/runtime/metrics';
import { MANIFEST } from '../handlers/runtime/manifest';
import { collectInputFiles } from '../local/inputs';
import { LocalSystem } from '../local/system';

const ROOT = resolve(__dirname, '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PHOTO_ROOTS = process.env.BENCH_PHOTOS ? [process.env.BENCH_PHOTOS] : ['/usr/share/backgrounds', '/usr/share/wallpapers'];

/** Median and range of a sample, as the docs print it. */
function spread(values: readonly number[], digits = 2): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  return `median ${median.toFixed(digits)} (min ${sorted[0]!.toFixed(digits)}, max ${sorted.at(-1)!.toFixed(digits)}, n ${sorted.length})`;
}

async function heavyPhotos(): Promise<{ path: string; pixels: number }[]> {
  const paths = PHOTO_ROOTS.flatMap((root) => globSync(`${root}/**/*.{jpg,jpeg,png,JPG,PNG}`)).filter((path) => statSync(path).isFile());
  const photos = [];
  for (const path of paths) {
    const { width = 0, height = 0 } = await sharp(path).metadata();
    if (width * height > 5_000_000) photos.push({ path, pixels: width * height });
  }
  return photos.sort((a, b) => a.path.localeCompare(b.path));
}

function decodeMemory(photos: readonly { path: string }[]): void {
  console.log('1. ValidateImage decode: peak RSS above the process before the decode, per megapixel');
  const perFormat: Record<string, number[]> = {};
  for (const photo of photos) {
    const run = spawnSync(NODE, ['--import', 'tsx', join(ROOT, 'bench', 'decode-peak.ts'), photo.path], { cwd: ROOT, encoding: 'utf8' });
    const result = JSON.parse(run.stdout) as { beforeKiB: number; peakKiB: number; pixels: number; format: string };
    (perFormat[result.format] ??= []).push(((result.peakKiB - result.beforeKiB) * 1024) / (result.pixels / 1e6) / MiB);
  }
  for (const [format, values] of Object.entries(perFormat)) console.log(`  ${format.padEnd(5)} MiB per MP: ${spread(values)}`);
  const worst = Math.max(...Object.values(perFormat).flat());
  const memoryMb = MANIFEST.validate.memoryMb;
  console.log(`  → at the worst ${worst.toFixed(2)} MiB/MP, ValidateImage's ${memoryMb} MB less its 256 MiB reserve and a 25 MiB upload decodes ${((memoryMb - 256 - 25) / worst).toFixed(0)} MP\n`);
}

async function secondsPerImage(photos: readonly { path: string }[]): Promise<void> {
  // Every photo goes to the worker; the budget is a default task's (half its memory).
  process.env.IMAGE_PROCESSOR_LOCAL_WORKER_THRESHOLD_PIXELS = '1';
  const system = await LocalSystem.start({ concurrency: 4, workerMemoryBudgetBytes: (MANIFEST.worker.memoryMb / 2) * MiB });
  const root = await mkdtemp(join(tmpdir(), 'bench-worker-'));
  const perJob: number[] = [];
  const perImage: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const mark = system.functionLog.metricCount;
      const started = performance.now();
      const result = await system.process(await collectInputFiles(photos.map((photo) => photo.path)), { outDir: join(root, `out-${round}`) });
      perImage.push((performance.now() - started) / 1000 / photos.length);
      if (result.problems.length > 0) throw new Error(result.problems.join('\n'));
      for (const datum of system.functionLog.metricsSince(mark)) {
        if (datum.name === BUSINESS_METRICS.stateDuration && datum.dimensions[STEP_DIMENSION] === 'worker') perJob.push(datum.value / 1000);
      }
    }
  } finally {
    await system.stop();
    await rm(root, { recursive: true, force: true });
  }
  console.log(`2. Seconds per heavy image on the worker (${photos.length} photos × ${ROUNDS} rounds, up to 4 at once)`);
  console.log(`  one job, its worker time:          ${spread(perJob)}`);
  console.log(`  batch wall time ÷ images, per round: ${spread(perImage)}\n`);
}

async function drain(photo: { path: string; pixels: number }): Promise<void> {
  process.env.IMAGE_PROCESSOR_LOCAL_WORKER_THRESHOLD_PIXELS = '1';
  const system = await LocalSystem.start({ worker: false, concurrency: 8 });
  const exits: number[] = [];
  const reports: string[] = [];
  try {
    const bytes = await sharp(photo.path).toBuffer();
    for (let round = 0; round < ROUNDS; round += 1) {
      const jobs = [];
      for (let index = 0; index < 3; index += 1) {
        const object = await system.upload(`uploads/drain/${round}-${index}.jpg`, bytes);
        await system.deliver([object]);
        jobs.push(system.executionFor(object)!);
      }
      // One heavy job at a time: the other two are held, not started, when the signal comes.
      const first = workerProcess(system, { WORKER_MEMORY_BUDGET_MB: String(Math.ceil((photo.pixels * 3 * 1.5) / MiB)) });
      await first.waitFor('Taking the job.');
      while ((await heldMessages(system)) < 3) await new Promise((wake) => setTimeout(wake, 50));
      const signalled = performance.now();
      first.child.kill('SIGTERM');
      const stopped = await first.waitFor('Stopped.');
      await first.exited;
      exits.push((performance.now() - signalled) / 1000);
      reports.push(`finished ${String(stopped.finished)}, released ${String(stopped.released)}, unfinished ${String(stopped.unfinished)}`);
      const rest = workerProcess(system, {});
      for (const job of jobs) await job.settled;
      rest.child.kill('SIGTERM');
      await rest.exited;
    }
  } finally {
    await system.stop();
  }
  console.log(`3. SIGTERM drain with one heavy job running and two held (${ROUNDS} rounds)`);
  console.log(`  seconds from SIGTERM to exit: ${spread(exits)}`);
  console.log(`  what each drain did: ${[...new Set(reports)].join('; ')}`);
  console.log(`  (stopTimeout ${MANIFEST.worker.stopTimeoutSeconds} s: the deadline a drain never passes)`);
}

async function heldMessages(system: LocalSystem): Promise<number> {
  const { Attributes = {} } = await system.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: system.queues.heavy, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

function workerProcess(system: LocalSystem, env: Readonly<Record<string, string>>) {
  const child = spawn(NODE, ['--import', 'tsx', join(ROOT, 'local', 'worker-cli.ts')], { cwd: ROOT, env: { ...process.env, ...system.environment, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    child,
    exited,
    async waitFor(message: string): Promise<Record<string, unknown>> {
      for (;;) {
        const line = stdout.split('\n').find((text) => text.includes(`"message":"${message}"`));
        if (line) return JSON.parse(line) as Record<string, unknown>;
        if (child.exitCode !== null) throw new Error(`The worker exited before logging "${message}".`);
        await new Promise((wake) => setTimeout(wake, 50));
      }
    },
  };
}

async function main(): Promise<void> {
  sharp.cache(false);
  const photos = await heavyPhotos();
  if (photos.length === 0) throw new Error(`Expected photos over 5 MP under ${PHOTO_ROOTS.join(' or ')}; bench/install-photos.sh installs some.`);
  console.log(`Photos: ${photos.length} over 5 MP (${(photos.reduce((sum, photo) => sum + photo.pixels, 0) / photos.length / 1e6).toFixed(1)} MP on average) under ${PHOTO_ROOTS.join(', ')}\n`);
  const parts = (process.env.BENCH_PARTS ?? '1,2,3').split(',');
  if (parts.includes('1')) decodeMemory(photos);
  if (parts.includes('2')) await secondsPerImage(photos);
  // The largest JPEG: its job runs long enough to be in flight when the signal comes.
  const largest = [...photos].sort((a, b) => b.pixels - a.pixels);
  if (parts.includes('3')) await drain(largest.find((photo) => photo.path.endsWith('.jpg')) ?? largest[0]!);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
