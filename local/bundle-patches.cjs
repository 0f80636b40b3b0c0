/**
 * Rewrites of package code as the local runners' bundle is built (local/run-bundled.cjs), each the
 * same behaviour at less cost; nothing outside that bundle (tests, the Lambda bundles) sees them.
 *
 * @cloud-copilot/iam-policy compares strings case-insensitively with `localeCompare(other,
 * undefined, { sensitivity: 'accent' })`, which builds an ICU collator on every call; the local IAM
 * check calls it several times per condition of every request it evaluates (0.29 CPU-s of a run
 * on 12 photos). ECMA-402 defines that call as `new Intl.Collator(undefined, options).compare`,
 * so one collator made once answers the same (a test compares the two on the installed version).
 * When an upgrade changes the code, the text is not found and the package is bundled as it is.
 */
'use strict';
const { readFileSync } = require('node:fs');

/** @type {readonly { file: RegExp, find: string, replace: string, prelude: string }[]} */
const PATCHES = [
  {
    file: /[\\/]@cloud-copilot[\\/]iam-policy[\\/]dist[\\/]esm[\\/]utils\.js$/,
    find: 'first.localeCompare(second, undefined, caseInsensitiveCompareOptions) === 0',
    replace: 'caseInsensitiveCollator.compare(first, second) === 0',
    prelude: "const caseInsensitiveCollator = new Intl.Collator(undefined, { sensitivity: 'accent' });\n",
  },
];

/**
 * The patched text of `path`, or undefined when no patch applies to it.
 * @param {string} path @param {string} source
 */
function patchedSource(path, source) {
  const patch = PATCHES.find((candidate) => candidate.file.test(path));
  if (!patch || !source.includes(patch.find)) return undefined;
  return patch.prelude + source.replaceAll(patch.find, patch.replace);
}

/** @returns {import('esbuild').Plugin} */
function patchPackages() {
  return {
    name: 'patch-packages',
    setup(build) {
      for (const patch of PATCHES) {
        build.onLoad({ filter: patch.file }, (args) => {
          const contents = patchedSource(args.path, readFileSync(args.path, 'utf8'));
          return contents === undefined ? undefined : { contents, loader: 'js' };
        });
      }
    },
  };
}

module.exports = { PATCHES, patchedSource, patchPackages };
