/**
 * Issue 9, point 6: retries are visible: every state in report.json carries its attempts, and
 * `--verbose` prints each attempt of each Task state with the error it ended with.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../local/report';
import { photoLikeJpeg } from '../fixtures/images';
import { runCli } from './run-cli';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-retries-'));
  await writeFile(join(root, 'photo.jpg'), await photoLikeJpeg(320, 240));
});
afterAll(() => rm(root, { recursive: true, force: true }));

it('npm start --verbose prints each attempt and its error, and report states carry attempts', async () => {
  const out = join(root, 'out');
  const { code, stderr } = await runCli('start', [join(root, 'photo.jpg'), '--out', out, '--verbose', '--fail', 'ResizeImage=TRANSIENT:2']);
  expect(code).toBe(0);
  const attempts = stderr.split('\n').filter((line) => line.includes('ResizeImage attempt'));
  expect(attempts).toEqual([
    expect.stringMatching(/photo\.jpg: ResizeImage attempt 1 failed: TRANSIENT — .*injected fault/i),
    expect.stringMatching(/photo\.jpg: ResizeImage attempt 2 failed: TRANSIENT — /),
    expect.stringMatching(/photo\.jpg: ResizeImage attempt 3 succeeded/),
  ]);
  expect(stderr).toMatch(/photo\.jpg: ValidateImage attempt 1 succeeded/);

  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
  const states = Object.fromEntries(report.jobs[0]!.states.map((state) => [state.name, state]));
  expect(states.ResizeImage).toMatchObject({ attempts: 3 });
  expect(states.ValidateImage).toMatchObject({ attempts: 1 });
  expect(report.jobs[0]!.states.every((state) => Number.isInteger((state as { attempts?: number }).attempts))).toBe(true);
});

it('npm run process reports one attempt per step', async () => {
  const out = join(root, 'process-out');
  expect((await runCli('process', [join(root, 'photo.jpg'), '--out', out])).code).toBe(0);
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
  expect(report.jobs[0]!.states.map((state) => (state as { attempts?: number }).attempts)).toEqual([1, 1, 1, 1]);
});
