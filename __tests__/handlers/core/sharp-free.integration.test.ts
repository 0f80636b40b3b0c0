import { build } from 'esbuild';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Every package that bundling `entry` reaches, as esbuild resolves them for a Lambda. */
async function packagesReached(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    // Left external so an import of them shows in the metafile rather than failing the build.
    external: ['sharp', '@aws-sdk/*'],
  });
  const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports);
  const packages = imports.filter((item) => item.external).map((item) => item.path);
  const bundled = Object.keys(result.metafile.inputs)
    .map((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1])
    .filter((name): name is string => name !== undefined);
  return [...new Set([...packages, ...bundled])].sort();
}

describe('checking a preset loads no image library', () => {
  it('bundles handlers/core/preset.ts without sharp (or the AWS SDK): only valibot', async () => {
    expect(await packagesReached('handlers/core/preset.ts')).toEqual(['valibot']);
  });

  it('would notice: the module that applies filters does reach sharp', async () => {
    expect(await packagesReached('handlers/core/filters.ts')).toContain('sharp');
  });
});
