/**
 * Determinism: the synthesized Terraform and the Lambda zips depend only on the sources, so a plan
 * shows no change when nothing changed — run to run, and from another checkout directory.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synth } from '../../stacks/app';
import { FUNCTIONS } from '../../handlers/runtime/manifest';
import { buildLambdaArtifacts, lambdaArtifacts, type LambdaArtifacts } from '../../stacks/packaging/artifacts';
import { ROOT } from './support';
import { fileTree as tree } from '../support/file-tree';

/** The environment without settings a developer may have exported. */
function cleanEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !/^(IMAGE_PROCESSOR_|TF_STATE_|TF_CLOUD_|CDKTF_)/.test(entry[0])),
  );
}

const hashes = (artifacts: LambdaArtifacts) => ({
  functions: Object.fromEntries(FUNCTIONS.map((name) => [name, artifacts.functions[name].sha256Base64])),
  sharpLayer: artifacts.sharpLayer.sha256Base64,
});

const RUN = `test-determinism-${process.pid}`;
/** Relative, so the other checkout synthesizes to the same place under itself. */
const OUTDIR = join('.build', RUN, 'synth');

let synthesizedHere: Promise<unknown> | undefined;
/** One synth of this checkout into OUTDIR, shared by the tests comparing against it (a synth takes seconds). */
const synthHere = () => (synthesizedHere ??= synth({ outdir: join(ROOT, OUTDIR), env: cleanEnvironment() }));

afterAll(() => rmSync(join(ROOT, '.build', RUN), { recursive: true, force: true }));

describe('determinism', () => {
  it('synthesizes byte-identical stacks, assets and manifest twice in a row', async () => {
    const second = join(ROOT, '.build', RUN, 'second');
    await synthHere();
    await synth({ outdir: second, env: cleanEnvironment() });
    const files = tree(join(ROOT, OUTDIR));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['manifest.json', 'stacks/image-processor-dev/cdk.tf.json', 'stacks/image-processor-prod/cdk.tf.json']));
    expect(tree(second)).toEqual(files);
  });

  describe('from another checkout directory', () => {
    let checkout: string;
    beforeAll(() => {
      checkout = mkdtempSync(join(tmpdir(), 'image-processor-checkout-'));
      // Everything a clone has; not what builds, installs or synths leave behind.
      const generated = new Set(['.git', 'node_modules', '.build', 'cdktf.out', 'out', 'coverage', 'dist', '.terraform']);
      for (const name of readdirSync(ROOT)) {
        if (generated.has(name) || /^terraform\..*\.tfstate/.test(name)) continue;
        cpSync(join(ROOT, name), join(checkout, name), { recursive: true });
      }
      // node_modules as a symlink: copying its 45 000 files (and deleting them) cost more than the
      // builds. The bundler keeps symlinked paths (preserveSymlinks) and the synth below runs
      // with --preserve-symlinks, so both still see packages under the checkout's own path.
      symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    }, 120_000);
    afterAll(() => rmSync(checkout, { recursive: true, force: true }));

    it('builds the same function zips and sharp layer', async () => {
      const here = await lambdaArtifacts();
      const there = await buildLambdaArtifacts({ root: checkout });
      expect(there.sharpLayer.cached).toBe(false);
      expect(hashes(there)).toEqual(hashes(here));
    }, 120_000);

    it('synthesizes byte-identical Terraform JSON', async () => {
      const env = cleanEnvironment();
      await synthHere();
      execFileSync(join(checkout, 'node_modules', '.bin', 'tsx'), ['main.ts'], {
        cwd: checkout,
        env: { ...env, CDKTF_OUTDIR: OUTDIR, NODE_OPTIONS: [env.NODE_OPTIONS, '--preserve-symlinks'].filter(Boolean).join(' ') },
        stdio: 'pipe',
      });
      const here = tree(join(ROOT, OUTDIR));
      expect(tree(join(checkout, OUTDIR))).toEqual(here);
      expect(readFileSync(join(checkout, OUTDIR, 'stacks', 'image-processor-dev', 'cdk.tf.json'), 'utf8')).toBe(
        readFileSync(join(ROOT, OUTDIR, 'stacks', 'image-processor-dev', 'cdk.tf.json'), 'utf8'),
      );
    }, 120_000);

    it('rebuilds exactly the zip whose sources changed', async () => {
      const before = hashes(await buildLambdaArtifacts({ root: checkout }));
      appendFileSync(join(checkout, 'handlers', 'entrypoints', 'lambda', 'notify-success.ts'), '\n// changed\n');
      const after = hashes(await buildLambdaArtifacts({ root: checkout }));
      const changed = FUNCTIONS.filter((name) => before.functions[name] !== after.functions[name]);
      expect(changed).toEqual(['notify-success']);
      expect(after.sharpLayer).toBe(before.sharpLayer);
    }, 120_000);
  });
});
