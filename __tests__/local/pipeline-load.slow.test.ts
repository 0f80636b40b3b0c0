/**
 * Many images at once through `runLocalPipeline` (the programmatic API behind `npm start`):
 * every input gets exactly one job, one execution, one terminal status and one notification.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLocalPipeline } from '../../local/pipeline';
import { EMPTY_FILE, HTML_FILE, photoLikeJpeg, solid } from '../fixtures/images';
import { DEFAULT_OUTPUTS } from './harness';


const PHOTOS = 50;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-load-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

it(`processes ${PHOTOS + 4} inputs concurrently and loses none`, async () => {
  const inputDir = join(root, 'in');
  await mkdir(join(inputDir, 'nested'), { recursive: true });
  const photo = await photoLikeJpeg(160, 120, { seed: 5 });
  for (let index = 0; index < PHOTOS; index += 1) {
    // Same pixels under different names are different uploads (keys), hence different jobs.
    await writeFile(join(inputDir, index % 2 ? 'nested' : '.', `photo-${String(index).padStart(2, '0')}.jpg`), photo);
  }
  await writeFile(join(inputDir, 'nested', 'photo-00.jpg'), await solid('png', 64, 48)); // a name collision across folders
  await writeFile(join(inputDir, 'empty.jpg'), EMPTY_FILE);
  await writeFile(join(inputDir, 'page.jpg'), HTML_FILE);
  await writeFile(join(inputDir, 'tiny.webp'), await solid('webp', 8, 8));

  const outDir = join(root, 'out');
  let started = 0;
  const done: string[] = [];
  const result = await runLocalPipeline({
    inputs: [inputDir],
    outDir,
    // Every execution in flight at once: the state machine, emulators and job store under real contention.
    concurrency: 64,
    retryIntervalMs: 0,
    onStart: (count) => (started = count),
    onJobDone: (job) => done.push(job.status),
  });

  const total = PHOTOS + 4;
  expect(started).toBe(total);
  expect(done).toHaveLength(total);
  expect(result.problems).toEqual([]);
  expect(result.report.jobs).toHaveLength(total);
  expect(result.report.summary).toMatchObject({ succeeded: total - 2, failed: 2 });
  expect(new Set(result.jobs.map((job) => job.jobId)).size).toBe(total);
  expect(new Set(result.jobs.map((job) => job.execution?.executionArn)).size).toBe(total);
  expect(result.jobs.every((job) => job.notifications.length === 1)).toBe(true);

  // Hidden entries are the runner's own bookkeeping (the written-files manifest).
  const folders = (await readdir(outDir)).filter((entry) => entry !== 'report.json' && !entry.startsWith('.'));
  expect(folders).toHaveLength(total - 2);
  expect(folders).toEqual(expect.arrayContaining(['photo-00', 'photo-00-2', 'tiny']));
  for (const folder of folders) expect((await readdir(join(outDir, folder))).sort()).toEqual(DEFAULT_OUTPUTS);
});
