/** `npm run process`: the one-shot command, run as a person runs it. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { Report } from '../../local/report';
import { EMPTY_FILE, photoLikeJpeg, pixelBombPng, rgbaPng, truncatedJpeg } from '../fixtures/images';

const run = promisify(execFile);
const cli = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', 'local/process-cli.ts', ...args], { env: { ...process.env, ...env } });

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'process-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('writes every output and a report, and exits 0 when some inputs fail', async () => {
  const photo = await photoLikeJpeg(1200, 800, { orientation: 6 });
  const inputs = {
    'photo.jpg': photo,
    'logo.png': await rgbaPng(400, 300),
    'empty.jpg': EMPTY_FILE,
    'cut.jpg': truncatedJpeg(photo),
    'bomb.png': pixelBombPng(),
  };
  for (const [name, bytes] of Object.entries(inputs)) await writeFile(join(dir, name), bytes);
  const out = join(dir, 'out');

  const { stdout } = await cli([...Object.keys(inputs).map((name) => join(dir, name)), '--out', out]);
  expect(stdout).toContain('5 image(s): 2 succeeded, 3 failed');

  const report: Report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
  const byName = Object.fromEntries(report.jobs.map((job) => [job.input.slice(dir.length + 1), job]));
  expect(byName['empty.jpg']).toMatchObject({ status: 'FAILED', error: { code: 'EMPTY' }, outputs: [] });
  expect(byName['cut.jpg']).toMatchObject({ status: 'FAILED', error: { code: 'CORRUPT' } });
  expect(byName['bomb.png']).toMatchObject({ status: 'FAILED', error: { code: 'TOO_MANY_PIXELS' } });
  expect(report.summary).toMatchObject({ succeeded: 2, failed: 3 });

  const photoJob = byName['photo.jpg']!;
  expect(photoJob.status).toBe('SUCCEEDED');
  expect(photoJob.outputs).toHaveLength(7);
  const large = photoJob.outputs.find((output) => output.name === 'large.jpg')!;
  // EXIF orientation 6 turns the stored 1200 × 800 into an upright 800 × 1200, never enlarged.
  expect(large).toMatchObject({ path: 'photo/large.jpg', format: 'jpeg', width: 800, height: 1200 });
  const written = await sharp(join(out, large.path)).metadata();
  expect(written).toMatchObject({ width: 800, height: 1200, format: 'jpeg' });
  expect(written.exif).toBeUndefined();
});

it('applies the limits from the environment without reading an oversized file, and skips its own output folder', async () => {
  const folder = join(dir, 'limits');
  await mkdir(folder);
  await writeFile(join(folder, 'photo.jpg'), await photoLikeJpeg(300, 200));
  const out = join(folder, 'out');
  await cli([folder, '--out', out]);

  const { stdout } = await cli([folder, '--out', out], { MAX_INPUT_BYTES: '1000' });
  expect(stdout).toContain('1 image(s): 0 succeeded, 1 failed');
  const report: Report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
  expect(report.jobs).toEqual([
    expect.objectContaining({ status: 'FAILED', error: { code: 'TOO_LARGE', message: expect.stringContaining('at most 1000 bytes') } }),
  ]);
});

it('explains itself with --help and refuses to run without --out', async () => {
  const { stdout } = await cli(['--help']);
  expect(stdout).toContain('Usage: npm run process');
  await expect(cli([join(dir, 'photo.jpg')])).rejects.toMatchObject({ code: 2 });
});
