import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

// Plain CommonJS, as local/run-bundled.cjs requires it.
const { PATCHES, patchedSource, patchPackages } = require('../../local/bundle-patches.cjs') as {
  readonly PATCHES: readonly unknown[];
  patchedSource(path: string, source: string): string | undefined;
  patchPackages(): Plugin;
};

type Utils = { caseInsensitiveEquals(a: string, b: string): boolean; caseInsensitiveEndsWith(a: string, b: string): boolean };

const UTILS = require.resolve('@cloud-copilot/iam-policy').replace(/[\\/]dist[\\/]cjs[\\/].*$/, '/dist/esm/utils.js');

/** iam-policy's utils.js bundled to CommonJS, with or without the patches, and loaded. */
async function bundledUtils(folder: string, patched: boolean): Promise<Utils> {
  const outfile = join(folder, `utils-${patched}.cjs`);
  await build({ entryPoints: [UTILS], outfile, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent', plugins: patched ? [patchPackages()] : [] });
  return require(outfile) as Utils;
}

// Case, accents, ligatures and width, dotted and dotless i, the set operators and suffixes IAM uses.
const WORDS = ['ForAllValues', 'forallvalues', 'FORALLVALUES', 'ForAnyValue', 'IfExists', 'ifexists', 'StringLikeIfExists', 'résumé', 'RESUME', 'Résumé', 'straße', 'STRASSE', 'ǆ', 'ǅ', 'Ǆ', 'ｉ', 'I', 'i', 'İ', 'ı', '', 'a\u0301', 'á'];

describe('the patches of the local runners bundle', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'bundle-patches-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('each still finds its text in the installed package', () => {
    const utils = patchedSource(UTILS, readFileSync(UTILS, 'utf8'));
    expect(PATCHES).toHaveLength(1);
    expect(utils).toBeDefined();
    expect(utils).not.toContain('localeCompare');
  });

  it("compare iam-policy's strings exactly as the package does", async () => {
    const [original, patched] = await Promise.all([bundledUtils(folder, false), bundledUtils(folder, true)]);
    for (const first of WORDS) {
      for (const second of WORDS) {
        expect([first, second, patched.caseInsensitiveEquals(first, second)]).toEqual([first, second, original.caseInsensitiveEquals(first, second)]);
        expect([first, second, patched.caseInsensitiveEndsWith(first, second)]).toEqual([first, second, original.caseInsensitiveEndsWith(first, second)]);
      }
    }
    expect(patched.caseInsensitiveEquals('forallvalues', 'ForAllValues')).toBe(true);
    expect(patched.caseInsensitiveEquals('résumé', 'resume')).toBe(false);
  });
});
