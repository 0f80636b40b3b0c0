/**
 * Settling what a dead run left in --out, on staging folders laid out by hand as a killed run
 * leaves them at each step of publishing (layout.ts): the previous results come back exactly.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFile, MANIFEST_NAME, manifestText } from '../../../local/output/manifest';
import { OutputStage } from '../../../local/output/stage';
import { recoverOutDir } from '../../../local/output/recover';
import type { Report } from '../../../local/report';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-recover-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const report = (paths: string[]): Report => ({
  jobs: [{ input: 'cat.jpg', status: 'SUCCEEDED', outputs: paths.map((path) => ({ name: path, filter: null, format: 'webp', width: 1, height: 1, bytes: 4, path })), states: [] }],
  summary: { succeeded: 1, failed: 0, ms: 1 },
});

/** A published previous run: cat/thumb.webp, and the report. */
async function previousRun(out: string): Promise<void> {
  const stage = await OutputStage.open(out);
  const path = await stage.write('cat', 'thumb.webp', Buffer.from('same'));
  await stage.publish(report([path]));
}

/** Pids no process can have: above the largest pid_max Linux allows (2^22). */
let unusedPid = 2 ** 22;
const deadPid = () => (unusedPid += 1);

it('keeps a previous output that a dead run staged again byte for byte, when it died before moving anything', async () => {
  const out = join(root, 'out');
  await previousRun(out);
  const before = await readFile(join(out, 'report.json'), 'utf8');
  const pid = deadPid();
  const staging = join(out, `.staging-${pid}`);
  await mkdir(join(staging, 'folders', 'cat'), { recursive: true });
  await writeFile(join(staging, '.run.json'), JSON.stringify({ pid }));
  await writeFile(join(staging, 'folders', 'cat', 'thumb.webp'), 'same');
  await writeFile(join(staging, 'report.json'), 'new report');
  await writeFile(join(staging, 'manifest.json'), manifestText([describeFile('cat/thumb.webp', Buffer.from('same')), describeFile('report.json', Buffer.from('new report'))]));

  const notes = await recoverOutDir(out);
  expect(notes).toEqual([expect.stringContaining(`stopped while publishing (process ${pid})`)]);
  expect((await readdir(out)).sort()).toEqual([MANIFEST_NAME, 'cat', 'report.json']);
  expect(await readFile(join(out, 'cat', 'thumb.webp'), 'utf8')).toBe('same');
  expect(await readFile(join(out, 'report.json'), 'utf8')).toBe(before);
});

it('leaves a staging folder without its marker unless it is empty, and one of a live run makes --out busy', async () => {
  const out = join(root, 'out');
  await mkdir(join(out, `.staging-${deadPid()}`), { recursive: true });
  const foreign = join(out, `.staging-${deadPid()}`);
  await mkdir(foreign);
  await writeFile(join(foreign, 'someone-elses.txt'), 'x');
  expect(await recoverOutDir(out)).toEqual([]);
  expect(await readdir(out)).toEqual([foreign.slice(out.length + 1)]);

  // The parent of this test process is alive; a marker without a start time is taken at its pid.
  const live = join(out, `.staging-${process.ppid}`);
  await mkdir(live);
  await writeFile(join(live, '.run.json'), JSON.stringify({ pid: process.ppid }));
  await expect(recoverOutDir(out)).rejects.toThrow(new RegExp(`another run \\(process ${process.ppid}\\) is writing to it`));
});
