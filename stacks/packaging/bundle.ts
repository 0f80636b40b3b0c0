/**
 * Bundles each Lambda entrypoint with esbuild: one minified CommonJS file per function with a
 * linked source map, sharp left external (it travels in the layer). The output depends only on the
 * sources, never on the checkout directory: source map paths are rewritten relative to the
 * repository root (`handlers/entrypoints/lambda/validate.ts`, `node_modules/@aws-sdk/...`).
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { entrypointSource, type FunctionName } from '../../handlers/runtime/manifest';

/** Packages that are not bundled: each must come from a layer or the runtime. */
export const EXTERNAL_PACKAGES = ['sharp'] as const;

export interface FunctionBundle {
  readonly name: FunctionName;
  /** `index.js`: the handler is `index.handler`. */
  readonly code: Buffer;
  /** `index.js.map`, with `sources` relative to the repository root. */
  readonly sourceMap: Buffer;
  /** The external packages this bundle requires at run time (for example `sharp`). */
  readonly externals: readonly string[];
}

export interface BundleOptions {
  /** The repository root holding `handlers/` and `node_modules/`. */
  readonly root: string;
  readonly entrypoints: readonly FunctionName[];
}

const toPosix = (path: string) => path.split(sep).join('/');

export interface BundleResult {
  readonly bundles: FunctionBundle[];
  /** Every file esbuild read, relative to the root (the cache key of the bundles). */
  readonly inputs: readonly string[];
}

/** The esbuild options that shape the output (part of the bundle cache key). */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  sourcemap: 'linked',
  sourcesContent: true,
  legalComments: 'none',
  charset: 'utf8',
  external: [...EXTERNAL_PACKAGES],
  // ESM builds of the AWS SDK tree-shake to about two thirds of the CommonJS size.
  mainFields: ['module', 'main'],
  // Paths stay as seen from the root, so a checkout whose node_modules is a symlink (the
  // determinism test's) bundles the same bytes; npm installs no other symlinks we bundle.
  preserveSymlinks: true,
} as const satisfies BuildOptions;

export async function bundleEntrypoints({ root, entrypoints }: BundleOptions): Promise<BundleResult> {
  const missing = entrypoints.filter((name) => !existsSync(join(root, entrypointSource(name))));
  if (missing.length > 0) {
    throw new Error(
      `Expected every Lambda entrypoint to exist as the file its manifest entry names (handlers/entrypoints/lambda/<name>.ts) exporting \`handler\`, but ${missing
        .map((name) => entrypointSource(name))
        .join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing in ${root}.`,
    );
  }
  // Output paths are virtual (write: false); they only anchor the relative paths esbuild computes.
  const outdir = join(root, '.build', 'bundles');
  const result = await build({
    ...BUNDLE_OPTIONS,
    external: [...BUNDLE_OPTIONS.external],
    mainFields: [...BUNDLE_OPTIONS.mainFields],
    absWorkingDir: root,
    entryPoints: entrypoints.map((name) => ({ in: entrypointSource(name), out: `${name}/index` })),
    outdir,
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  for (const warning of result.warnings) {
    const where = warning.location ? `${warning.location.file}:${warning.location.line}: ` : '';
    process.stderr.write(`esbuild warning: ${where}${warning.text}\n`);
  }

  const outputs = new Map(result.outputFiles.map((file) => [toPosix(relative(root, file.path)), file]));
  const bundles = entrypoints.map((name): FunctionBundle => {
    const codePath = `.build/bundles/${name}/index.js`;
    const code = outputs.get(codePath);
    const map = outputs.get(`${codePath}.map`);
    if (!code || !map) throw new Error(`esbuild produced no ${codePath} (or its source map) for the ${name} entrypoint.`);
    return {
      name,
      code: Buffer.from(code.contents),
      sourceMap: rootRelativeSourceMap(map.text, dirname(map.path), root),
      externals: externalImports(result.metafile, codePath),
    };
  });
  return { bundles, inputs: Object.keys(result.metafile.inputs).map(toPosix).sort() };
}

/** Rewrites `sources` from map-relative (`../../../handlers/...`) to root-relative (`handlers/...`). */
function rootRelativeSourceMap(text: string, mapDirectory: string, root: string): Buffer {
  const map = JSON.parse(text) as { sources: string[]; sourceRoot?: string };
  map.sources = map.sources.map((source) => {
    const absolute = resolve(mapDirectory, source);
    const fromRoot = toPosix(relative(root, absolute));
    if (isAbsolute(fromRoot) || fromRoot.startsWith('../')) {
      throw new Error(`The bundle includes ${source}, which lies outside the repository; bundles may only include files from the checkout.`);
    }
    return posix.normalize(fromRoot);
  });
  delete map.sourceRoot;
  return Buffer.from(JSON.stringify(map));
}

function externalImports(metafile: Metafile, outputPath: string): string[] {
  const output = metafile.outputs[outputPath];
  if (!output) return [];
  const externals = new Set(output.imports.filter((entry) => entry.external).map((entry) => entry.path));
  return EXTERNAL_PACKAGES.filter((name) => [...externals].some((path) => path === name || path.startsWith(`${name}/`)));
}
