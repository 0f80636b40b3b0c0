/**
 * Issue 9, point 1: the local commands never delete or overwrite what they did not write. What a
 * run wrote is in a manifest (`<out>/.image-processor-files.json`, sizes and SHA-256); only files
 * it lists, unchanged and inside --out with no symbolic link on the way, are ever replaced.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLocalPipeline } from '../../local/pipeline';
import type { Report } from '../../local/report';
import { photoLikeJpeg } from '../fixtures/images';
import { DEFAULT_OUTPUTS } from './harness';
import { runCli } from './run-cli';


const MANIFEST = '.image-processor-files.json';
const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

let root: string;
let photo: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-ownership-'));
  photo = join(root, 'photo.jpg');
  await writeFile(photo, await photoLikeJpeg(320, 240));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A folder with a person's notes, and a link `evil` to another folder holding a secret. */
async function attackedOutDir(name: string): Promise<{ out: string; secret: string; notes: string }> {
  const out = join(root, name, 'out');
  const elsewhere = join(root, name, 'elsewhere');
  await mkdir(out, { recursive: true });
  await mkdir(elsewhere);
  await writeFile(join(out, 'notes.txt'), 'my notes');
  await writeFile(join(elsewhere, 'secret.txt'), 'my secret');
  await symlink(elsewhere, join(out, 'evil'));
  const report = {
    jobs: [{ input: 'x.jpg', status: 'SUCCEEDED', outputs: [{ path: 'notes.txt' }, { path: 'evil/secret.txt' }], states: [] }],
    summary: { succeeded: 1, failed: 0, ms: 1 },
  };
  await writeFile(join(out, 'report.json'), JSON.stringify(report));
  return { out, secret: join(elsewhere, 'secret.txt'), notes: join(out, 'notes.txt') };
}

it('npm start leaves the files a crafted report.json lists, and says the report is not its own', async () => {
  const { out, secret, notes } = await attackedOutDir('crafted-report');
  const outcome = await runLocalPipeline({ inputs: [photo], outDir: out, retryIntervalMs: 0 }).then(
    () => 'ran',
    (error: Error) => error.message,
  );
  expect(await readFile(notes, 'utf8')).toBe('my notes');
  expect(await readFile(secret, 'utf8')).toBe('my secret');
  expect(outcome).toMatch(/report\.json .*not written by this command/);
});

it('npm start trusts a forged manifest only for unchanged files inside --out, never through a link', async () => {
  const { out, secret, notes } = await attackedOutDir('forged-manifest');
  const report = await readFile(join(out, 'report.json'));
  const manifest = {
    version: 1,
    files: [
      { path: 'report.json', bytes: report.length, sha256: sha256(report) },
      { path: 'notes.txt', bytes: 8, sha256: sha256('not my notes') },
      { path: 'evil/secret.txt', bytes: 9, sha256: sha256('my secret') },
    ],
  };
  await writeFile(join(out, MANIFEST), JSON.stringify(manifest));
  const result = await runLocalPipeline({ inputs: [photo], outDir: out, retryIntervalMs: 0 });
  expect(result.report.summary).toMatchObject({ succeeded: 1 });
  expect(await readFile(notes, 'utf8')).toBe('my notes');
  expect(await readFile(secret, 'utf8')).toBe('my secret');
});

it('a later run replaces what the earlier one wrote, but keeps a file the person changed or added', async () => {
  const out = join(root, 'rerun', 'out');
  await runLocalPipeline({ inputs: [photo], outDir: out, retryIntervalMs: 0 });
  await writeFile(join(out, 'photo', 'thumb.webp'), 'my edit');
  await writeFile(join(out, 'photo', 'mine.txt'), 'mine');

  const second = await runLocalPipeline({ inputs: [photo], outDir: out, retryIntervalMs: 0 });
  expect(await readFile(join(out, 'photo', 'thumb.webp'), 'utf8')).toBe('my edit');
  expect((await readdir(join(out, 'photo'))).sort()).toEqual(['mine.txt', 'thumb.webp']);
  const paths = second.report.jobs[0]!.outputs.map((output) => output.path);
  expect(paths.every((path) => path.startsWith('photo-2/'))).toBe(true);
  expect((await readdir(join(out, 'photo-2'))).sort()).toEqual(DEFAULT_OUTPUTS);

  const manifest = JSON.parse(await readFile(join(out, MANIFEST), 'utf8')) as { files: { path: string; bytes: number; sha256: string }[] };
  expect(manifest.files.map((file) => file.path).sort()).toEqual([...paths, 'report.json'].sort());
  for (const file of manifest.files) expect(sha256(await readFile(join(out, file.path)))).toBe(file.sha256);
});

it('npm run process never overwrites a file already in --out', async () => {
  const out = join(root, 'process', 'out');
  await mkdir(join(out, 'photo'), { recursive: true });
  await writeFile(join(out, 'photo', 'thumb.webp'), 'my own thumbnail');

  const { code } = await runCli('process', [photo, '--out', out]);
  expect(code).toBe(0);
  expect(await readFile(join(out, 'photo', 'thumb.webp'), 'utf8')).toBe('my own thumbnail');
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
  expect(report.jobs[0]!.outputs.map((output) => output.path)).toContain('photo-2/thumb.webp');

  // A second run replaces its own outputs in place and leaves the person's file alone.
  expect((await runCli('process', [photo, '--out', out])).code).toBe(0);
  expect((await readdir(out)).sort()).toEqual([MANIFEST, 'photo', 'photo-2', 'report.json']);
  expect(await readFile(join(out, 'photo', 'thumb.webp'), 'utf8')).toBe('my own thumbnail');
});
