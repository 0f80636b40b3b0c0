/** Resolving the stack settings, preset validation included, never loads libvips: synth needs no native image library. */
import { build } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from '../support';

it('bundles stacks/config/resolve.ts without sharp', async () => {
  const result = await build({
    entryPoints: [join(ROOT, 'stacks/config/resolve.ts')],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    logLevel: 'silent',
    external: ['sharp'],
  });
  const reached = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((item) => item.path));
  expect(reached.filter((path) => path === 'sharp' || path.startsWith('sharp/'))).toEqual([]);
  expect(Object.keys(result.metafile.inputs)).toContain('handlers/core/preset.ts');
});
