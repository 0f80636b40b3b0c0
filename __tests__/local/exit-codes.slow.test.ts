/**
 * Issue 9, point 4: 0 when every input got a verdict, 1 when the system failed, 2 when the user's
 * arguments, preset or settings are wrong (said as their mistake), 3 with --strict when a verdict
 * is FAILED; the input limits mean the same for both commands; file names print escaped.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../local/report';
import { photoLikeJpeg, TEXT_FILE } from '../fixtures/images';
import { runCli, type Command } from './run-cli';

let root: string;
let photo: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-exit-'));
  photo = join(root, 'photo.jpg');
  await writeFile(photo, await photoLikeJpeg(320, 240));
  await writeFile(join(root, 'broken.json'), '{ "renditions": ');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe.each(['start', 'process'] as const)('npm %s', (command: Command) => {
  it.each([
    ['an input that does not exist', () => [join(root, 'missing.jpg')], {}, /Expected ".*missing\.jpg" to be a file or folder, but nothing exists at that path/],
    ['a preset that is not JSON', () => [photo, '--preset', join(root, 'broken.json')], {}, /Expected the preset file .*broken\.json to hold JSON/],
    ['a limit that is not a number', () => [photo], { MAX_INPUT_BYTES: 'lots' }, /Expected MAX_INPUT_BYTES to be a whole number of bytes of at least 1, but it is "lots"/],
    ['a memory budget that is not a number', () => [photo, '--memory-budget', 'half'], {}, /Expected --memory-budget to be a whole number of MiB of at least 1, but received "half"/],
  ])('exits 2 for %s, saying it is the user’s to fix', async (_, args, env, pattern) => {
    const result = await runCli(command, [...args(), '--out', join(root, `out-${command}-mistake`)], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/system failed|\n\s+at /);
  });
});

it('npm start exits 2 for a stack setting the user got wrong', async () => {
  const result = await runCli('start', [photo, '--out', join(root, 'out-setting')], { env: { IMAGE_PROCESSOR_LOCAL_MAX_INPUT_BYTES: 'lots' } });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/maxInputBytes/);
  expect(result.stderr).not.toMatch(/system failed/);
});

describe('the same limits, --strict and escaped names in both commands', () => {
  const results: Partial<Record<Command, { code: number | null; stdout: string; stderr: string; report: Report }>> = {};
  const strangeName = 'bad\u001b[31m\rname\u0007.jpg';

  beforeAll(async () => {
    await writeFile(join(root, strangeName), TEXT_FILE);
    for (const command of ['start', 'process'] as const) {
      const out = join(root, `out-${command}-strict`);
      const result = await runCli(command, [photo, join(root, strangeName), '--out', out, '--strict'], { env: { MAX_INPUT_BYTES: '1000' } });
      results[command] = { ...result, report: JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report };
    }
  });

  it('--strict exits 3 when any verdict is FAILED', () => {
    expect([results.start?.code, results.process?.code]).toEqual([3, 3]);
  });

  it('MAX_INPUT_BYTES gives the same verdict and sentence in npm start as in npm run process', () => {
    const verdict = (command: Command) => results[command]!.report.jobs.find((job) => job.input === photo)?.error;
    expect(verdict('start')).toEqual({ code: 'TOO_LARGE', message: expect.stringContaining('at most 1000 bytes') });
    expect(verdict('start')).toEqual(verdict('process'));
  });

  it('prints file names with control characters escaped', () => {
    for (const command of ['start', 'process'] as const) {
      const printed = results[command]!.stdout + results[command]!.stderr;
      expect(printed).toContain('bad\\u001b[31m\\rname\\u0007.jpg');
      expect(printed).not.toMatch(/[\u0007\u001b\r]/);
    }
  });
});
