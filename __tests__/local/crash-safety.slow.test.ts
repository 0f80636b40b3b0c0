/**
 * Issue 9, point 2: a run is written into `<out>/.staging-<pid>/` and published at the end, so a
 * `kill -9` at any moment leaves the previous results as they were (after the next run's
 * recovery, for a kill in the middle of publishing), and Ctrl-C ends with a partial report
 * marked interrupted. `LOCAL_STOP_AT=<moment>` makes the runner stop itself (SIGSTOP) at that
 * moment, so the test kills a real process at a known point.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recoverOutDir } from '../../local/output/recover';
import type { Report } from '../../local/report';
import { photoLikeJpeg, TEXT_FILE } from '../fixtures/images';
import { fileTree } from '../support/file-tree';
import { runCli, spawnCli, waitUntilStopped, type Command } from './run-cli';

let root: string;
let first: string;
let second: string;
let out: string;

/** Every file under `dir` but the hidden ones (staging folders, the manifest), by path, as a hash. */
function visibleFiles(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(fileTree(dir)).filter(([path]) => !path.split('/').some((part) => part.startsWith('.'))));
}

const stagingFolders = async (dir: string) => (await readdir(dir)).filter((name) => name.startsWith('.staging-'));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-crash-'));
  first = join(root, 'first');
  second = join(root, 'second');
  await mkdir(first);
  await mkdir(second);
  for (const [index, name] of ['alpha', 'bravo', 'charlie'].entries()) await writeFile(join(first, `${name}.jpg`), await photoLikeJpeg(480, 320, { seed: index + 1 }));
  for (const [index, name] of ['delta', 'echo', 'foxtrot', 'golf'].entries()) await writeFile(join(second, `${name}.jpg`), await photoLikeJpeg(640, 480, { seed: index + 7 }));
  out = join(root, 'out');
  await mkdir(out);
  await writeFile(join(out, 'notes.txt'), 'a person’s own file');
  const previous = await runCli('start', [first, '--out', out, '--concurrency', '1']);
  expect(previous.code).toBe(0);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Runs `command` over the second folder until it stops itself at `moment`, then kills it with SIGKILL. */
async function killAt(command: Command, moment: string): Promise<{ pid: number }> {
  const running = spawnCli(command, [second, '--out', out, '--concurrency', '1'], { env: { LOCAL_STOP_AT: moment } });
  const pid = running.child.pid!;
  await waitUntilStopped(pid);
  running.child.kill('SIGKILL');
  const result = await running.result;
  expect(result.signal).toBe('SIGKILL');
  return { pid };
}

it.each([
  ['start', 'uploads'],
  ['start', 'processing'],
  ['process', 'processing'],
] as const)('kill -9 of npm %s during %s leaves the previous results untouched', async (command, moment) => {
  const before = visibleFiles(out);
  const { pid } = await killAt(command, moment);
  expect(visibleFiles(out)).toEqual(before);
  expect(await stagingFolders(out)).toEqual([`.staging-${pid}`]);

  await recoverOutDir(out);
  expect(await stagingFolders(out)).toEqual([]);
  expect(visibleFiles(out)).toEqual(before);
});

it.each(['start', 'process'] as const)('kill -9 of npm %s while publishing: no report of missing files, and the next run restores the previous results', async (command) => {
  const before = visibleFiles(out);
  const { pid } = await killAt(command, 'publish');
  // Mid-publish the previous report is moved aside first, so no report.json lists files that are gone.
  expect(existsSync(join(out, 'report.json'))).toBe(false);
  expect(await stagingFolders(out)).toEqual([`.staging-${pid}`]);

  await recoverOutDir(out);
  expect(await stagingFolders(out)).toEqual([]);
  expect(visibleFiles(out)).toEqual(before);
});

it('a later run cleans what a killed run left and publishes normally', async () => {
  await killAt('start', 'processing');
  const { code } = await runCli('process', [second, '--out', out]);
  expect(code).toBe(0);
  expect(await stagingFolders(out)).toEqual([]);
  const files = Object.keys(visibleFiles(out));
  expect(files.filter((path) => !path.includes('/')).sort()).toEqual(['notes.txt', 'report.json']);
  expect(new Set(files.map((path) => path.split('/')[0]))).toEqual(new Set(['notes.txt', 'report.json', 'delta', 'echo', 'foxtrot', 'golf']));
});

describe('Ctrl-C', () => {
  it.each([
    ['start', 'uploads'],
    ['process', 'processing'],
  ] as const)('npm %s stops taking work, writes a partial report marked interrupted and exits 130', async (command, moment) => {
    const folder = join(root, `interrupt-${command}`);
    await mkdir(folder);
    for (const name of ['a', 'b', 'c', 'd', 'e']) await writeFile(join(folder, `${name}.jpg`), await photoLikeJpeg(640, 480));
    await writeFile(join(folder, 'f.jpg'), TEXT_FILE);
    const target = join(folder, 'out');
    const running = spawnCli(command, [folder, '--out', target, '--concurrency', '1'], { env: { LOCAL_STOP_AT: moment } });
    await waitUntilStopped(running.child.pid!);
    running.child.kill('SIGINT');
    running.child.kill('SIGCONT');
    const result = await running.result;

    expect({ code: result.code, timedOut: result.timedOut }).toEqual({ code: 130, timedOut: false });
    expect(result.stderr).toMatch(/Interrupted/);
    const report = JSON.parse(await readFile(join(target, 'report.json'), 'utf8')) as Report & { interrupted?: boolean; unfinished?: string[] };
    expect(report.interrupted).toBe(true);
    expect(report.unfinished!.length).toBeGreaterThan(0);
    expect(report.jobs.length + report.unfinished!.length).toBe(6);
    for (const job of report.jobs) for (const output of job.outputs) expect(existsSync(join(target, output.path))).toBe(true);
    expect(await stagingFolders(target)).toEqual([]);
  });
});
