/**
 * Everything the stacks upload to Lambda: one deterministic zip per entrypoint and the sharp
 * layer. Built once per process and shared by every stack; the stacks reference the zips through
 * `TerraformAsset`, which copies them into `cdktf.out/stacks/<stack>/assets/...` and writes only
 * that relative path into the Terraform JSON.
 *
 * The function zips are cached in `.build/functions/`: they are rebuilt when any file esbuild read
 * last time changes, or the lockfile, tsconfig.json, package.json, the esbuild version or the
 * bundle options do. `rm -rf .build` forces a clean build.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { version as esbuildVersion } from 'esbuild';
import { FUNCTIONS, type FunctionName } from '../../handlers/runtime/manifest';
import { BUNDLE_OPTIONS, bundleEntrypoints } from './bundle';
import { buildSharpLayer, type SharpLayer } from './sharp-layer';
import { readZip, writeZip, type ZipArtifact } from './zip';

export interface FunctionArtifact extends ZipArtifact {
  readonly entrypoint: FunctionName;
  /** The handler inside the zip. */
  readonly handler: string;
  /** Packages the bundle leaves to a layer, such as `sharp`. */
  readonly externals: readonly string[];
}

export interface LambdaArtifacts {
  readonly functions: Readonly<Record<FunctionName, FunctionArtifact>>;
  readonly sharpLayer: SharpLayer;
}

export interface ArtifactOptions {
  /** The repository root (holding `handlers/`, `node_modules/`, `package-lock.json`). @default the checkout this file is in */
  readonly root?: string;
  /** Where zips are written. @default `<root>/.build` */
  readonly buildDir?: string;
}

/** The root of the checkout this module belongs to. */
export const REPOSITORY_ROOT = resolve(__dirname, '..', '..');

export const HANDLER = 'index.handler';

const cache = new Map<string, Promise<LambdaArtifacts>>();

/** Builds (once per process and root) the function zips and the sharp layer. */
export function lambdaArtifacts(options: ArtifactOptions = {}): Promise<LambdaArtifacts> {
  const root = resolve(options.root ?? REPOSITORY_ROOT);
  const buildDir = resolve(options.buildDir ?? join(root, '.build'));
  const key = `${root}\0${buildDir}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = buildLambdaArtifacts({ root, buildDir });
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

/** Builds the function zips and the sharp layer, reusing `.build` caches that are still valid (no in-process memo). */
export async function buildLambdaArtifacts(options: ArtifactOptions = {}): Promise<LambdaArtifacts> {
  const root = resolve(options.root ?? REPOSITORY_ROOT);
  const buildDir = resolve(options.buildDir ?? join(root, '.build'));
  const [functions, sharpLayer] = await Promise.all([
    buildFunctions(root, join(buildDir, 'functions')),
    buildSharpLayer({ root, cacheDir: join(buildDir, 'sharp-layer') }),
  ]);
  return { functions, sharpLayer };
}

/** Bump when the zip layout changes, so cached function zips are rebuilt. */
const FUNCTION_FORMAT = 1;

interface FunctionManifest {
  readonly key: string;
  /** Content hash of every file the last build read, by root-relative path. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly functions: Readonly<Record<string, { readonly sha256Hex: string; readonly externals: readonly string[] }>>;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function hashFile(path: string): string {
  return existsSync(path) ? sha256(readFileSync(path)) : 'missing';
}

function buildKey(root: string): string {
  return sha256(
    JSON.stringify({
      FUNCTION_FORMAT,
      esbuildVersion,
      BUNDLE_OPTIONS,
      FUNCTIONS,
      files: ['package.json', 'package-lock.json', 'tsconfig.json'].map((file) => [file, hashFile(join(root, file))]),
    }),
  );
}

async function buildFunctions(root: string, directory: string): Promise<Record<FunctionName, FunctionArtifact>> {
  const manifestPath = join(directory, 'manifest.json');
  const key = buildKey(root);
  const zipPath = (name: FunctionName) => join(directory, `${name}.zip`);
  const cached = readCachedFunctions(manifestPath, key, root, zipPath);
  if (cached) return cached;

  const { bundles, inputs } = await bundleEntrypoints({ root, entrypoints: FUNCTIONS });
  const artifacts = await Promise.all(
    bundles.map(async (bundle): Promise<FunctionArtifact> => {
      const zip = await writeZip(zipPath(bundle.name as FunctionName), [
        { name: 'index.js', data: bundle.code },
        { name: 'index.js.map', data: bundle.sourceMap },
      ]);
      return { ...zip, entrypoint: bundle.name as FunctionName, handler: HANDLER, externals: bundle.externals };
    }),
  );
  const manifest: FunctionManifest = {
    key,
    inputs: Object.fromEntries(inputs.map((input) => [input, hashFile(join(root, input))])),
    functions: Object.fromEntries(artifacts.map((artifact) => [artifact.entrypoint, { sha256Hex: artifact.sha256Hex, externals: artifact.externals }])),
  };
  mkdirSync(directory, { recursive: true });
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return Object.fromEntries(artifacts.map((artifact) => [artifact.entrypoint, artifact])) as Record<FunctionName, FunctionArtifact>;
}

function readCachedFunctions(
  manifestPath: string,
  key: string,
  root: string,
  zipPath: (name: FunctionName) => string,
): Record<FunctionName, FunctionArtifact> | undefined {
  if (!existsSync(manifestPath)) return undefined;
  let manifest: FunctionManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as FunctionManifest;
  } catch {
    return undefined;
  }
  if (manifest.key !== key) return undefined;
  for (const [input, hash] of Object.entries(manifest.inputs)) {
    if (hashFile(join(root, input)) !== hash) return undefined;
  }
  const artifacts: Partial<Record<FunctionName, FunctionArtifact>> = {};
  for (const name of FUNCTIONS) {
    const entry = manifest.functions[name];
    if (!entry || !existsSync(zipPath(name))) return undefined;
    const zip = readZip(zipPath(name));
    if (zip.sha256Hex !== entry.sha256Hex) return undefined;
    artifacts[name] = { ...zip, entrypoint: name, handler: HANDLER, externals: entry.externals };
  }
  return artifacts as Record<FunctionName, FunctionArtifact>;
}
