/**
 * Issue 9, point 3: paths are the user's. Relative inputs and --out resolve from where the
 * command was typed (npm's INIT_CWD); an --out that cannot be used is one sentence and exit 2
 * before anything starts; inputs that are not regular files get a verdict and are never read.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../local/report';
import { photoLikeJpeg } from '../fixtures/images';
import { runCli, runNpmScript, type CliResult, type Command } from './run-cli';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-paths-'));
  await writeFile(join(root, 'photo.jpg'), await photoLikeJpeg(320, 240));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe.each(['start', 'process'] as const)('npm %s', (command: Command) => {
  it('resolves relative inputs and --out from the directory the command was typed in', async () => {
    const typedIn = join(root, `typed-in-${command}`);
    await mkdir(typedIn);
    await writeFile(join(typedIn, 'cat.jpg'), await photoLikeJpeg(200, 150));
    const result = await runNpmScript(command, ['cat.jpg', '--out', 'results'], { cwd: typedIn });
    expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(await readFile(join(typedIn, 'results', 'report.json'), 'utf8')) as Report;
    expect(report.jobs).toEqual([expect.objectContaining({ input: 'cat.jpg', status: 'SUCCEEDED' })]);
    expect(report.jobs[0]!.outputs.map((output) => output.path)).toContain('cat/thumb.webp');
  });

  /** One sentence on stderr, exit 2, no stack trace, nothing written. */
  function expectOneSentence(result: CliResult, pattern: RegExp): void {
    expect({ code: result.code, timedOut: result.timedOut }).toEqual({ code: 2, timedOut: false });
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  }

  it.each([
    ['empty', () => '', /Expected --out to name a folder, but it is empty/],
    ['in /proc', () => '/proc/x', /Expected --out "\/proc\/x" to be a folder .*, but/],
    ['a file', () => join(root, 'photo.jpg'), /Expected --out ".*photo\.jpg" to be a folder, but it is a file/],
    ['under a file', () => join(root, 'photo.jpg', 'sub'), /Expected --out ".*photo\.jpg\/sub" to be a folder .*, but .*photo\.jpg is a file/],
  ])('refuses an --out that is %s, in one sentence, before anything starts', async (_, out, pattern) => {
    expectOneSentence(await runCli(command, [join(root, 'photo.jpg'), '--out', out()], { timeoutMs: 30000 }), pattern);
  });

  it('refuses an --out it may not write to (as root, without the capabilities that bypass permissions)', async () => {
    const locked = join(root, `locked-${command}`);
    await mkdir(locked, { mode: 0o555 });
    await chmod(locked, 0o555);
    const result = await runCli(command, [join(root, 'photo.jpg'), '--out', join(locked, 'out')], { permissionsEnforced: true, timeoutMs: 30000 });
    expectOneSentence(result, /Expected --out ".*locked-.*\/out" to be a folder .*, but .*permission denied/);
  });

  it('gives inputs that are not regular files a verdict and never reads them', async () => {
    const folder = join(root, `special-${command}`);
    await mkdir(folder);
    execFileSync('mkfifo', [join(folder, 'pipe.jpg')]);
    await symlink('/proc/self/environ', join(folder, 'environ.jpg'));
    await symlink('/dev/zero', join(folder, 'zero.jpg'));
    const out = join(root, `special-out-${command}`);
    const canary = 'CANARY_VALUE_THAT_MUST_NOT_LEAK';
    const result = await runCli(command, [folder, join(folder, 'pipe.jpg'), '/dev/null', '--out', out], {
      env: { A_CANARY: canary },
      timeoutMs: 60000,
    });
    expect({ code: result.code, timedOut: result.timedOut, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, timedOut: false, stderr: '' });
    const text = await readFile(join(out, 'report.json'), 'utf8');
    const report = JSON.parse(text) as Report;
    expect(report.jobs.map((job) => [job.input.replace(`${folder}/`, ''), job.status, job.error?.code])).toEqual([
      ['environ.jpg', 'FAILED', 'NOT_A_FILE'],
      ['pipe.jpg', 'FAILED', 'NOT_A_FILE'],
      ['zero.jpg', 'FAILED', 'NOT_A_FILE'],
      ['/dev/null', 'FAILED', 'NOT_A_FILE'],
    ]);
    expect(report.jobs[0]!.error!.message).toMatch(/kernel/);
    expect(report.jobs[1]!.error!.message).toMatch(/FIFO/);
    expect(report.jobs[3]!.error!.message).toMatch(/device/);
    expect(text).not.toContain(canary);
    // Not even as the hex preview an unknown format's sentence gives of its first bytes.
    expect(text).not.toContain('41 5f 43 41');
  });
});
