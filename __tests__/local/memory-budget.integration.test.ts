/**
 * Issue 9, point 5: the local runners admit work by its decoded size from the header against a
 * memory budget, not by concurrency alone; an input that alone exceeds the budget gets the
 * verdict EXCEEDS_MEMORY instead of being decoded.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { runLocalPipeline } from '../../local/pipeline';
import type { Report } from '../../local/report';
import { runCli } from './run-cli';


/** A 16-bit RGBA PNG: `width × height × 8` bytes decoded, a few KiB on disk. */
const rgba16Png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 4, background: { r: 200, g: 100, b: 50, alpha: 0.8 } } }).toColourspace('rgb16').png().toBuffer();

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-budget-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

it('npm start runs no two images at once when together they exceed the budget, and refuses one that alone does', async () => {
  const inputs = join(root, 'in');
  await mkdir(inputs);
  for (const name of ['a', 'b', 'c']) await writeFile(join(inputs, `${name}.png`), await rgba16Png(600, 500));
  await writeFile(join(inputs, 'huge.png'), await rgba16Png(1000, 1000));
  const budget = 600 * 500 * 8 * 1.5;

  const result = await runLocalPipeline({ inputs: [inputs], outDir: join(root, 'out'), concurrency: 4, retryIntervalMs: 0, memoryBudgetBytes: budget });

  expect(result.problems).toEqual([]);
  const huge = result.report.jobs.find((job) => job.input.endsWith('huge.png'));
  expect(huge).toMatchObject({ status: 'FAILED', error: { code: 'EXCEEDS_MEMORY', message: expect.stringMatching(/about 8 MiB, and the memory budget .* leaves 3 MiB/) } });
  const runs = result.jobs
    .filter((job) => job.execution)
    .map((job) => ({ start: job.execution!.startDate.getTime(), stop: job.execution!.stopDate!.getTime() }))
    .sort((a, b) => a.start - b.start);
  expect(runs).toHaveLength(3);
  for (let index = 1; index < runs.length; index += 1) expect(runs[index]!.start).toBeGreaterThanOrEqual(runs[index - 1]!.stop);
});

it('npm run process takes --memory-budget in MiB and gives EXCEEDS_MEMORY to what cannot fit', async () => {
  const big = join(root, 'big.png');
  await writeFile(big, await rgba16Png(1000, 1000));
  const out = join(root, 'process-out');
  const { code } = await runCli('process', [big, '--out', out, '--memory-budget', '1']);
  expect(code).toBe(0);
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
  expect(report.jobs[0]).toMatchObject({ status: 'FAILED', error: { code: 'EXCEEDS_MEMORY', message: expect.stringContaining('--memory-budget') } });
});
