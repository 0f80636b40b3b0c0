/**
 * loadHandler imports through a template of the Lambda entrypoints' layout (so that esbuild,
 * bundling the local runners, includes exactly the functions' modules): it must name the file each
 * manifest entry names.
 */
import { entrypointSource, FUNCTIONS } from '../../handlers/runtime/manifest';
import { loadHandler } from '../../local/functions';

describe('loadHandler', () => {
  it.each(FUNCTIONS)('loads %s from the file its manifest entry names', async (name) => {
    expect(entrypointSource(name)).toBe(`handlers/entrypoints/lambda/${name}.ts`);
    const fromManifest = (await import(`../../${entrypointSource(name)}`)) as { handler: unknown };
    expect(await loadHandler(name)).toBe(fromManifest.handler);
  });
});
