/**
 * The Lambda layer with sharp and its linux-arm64 (glibc) binaries, built with
 * `npm ci --os=linux --cpu=arm64 --libc=glibc` from the exact versions and integrity hashes in the
 * project's package-lock.json, so every machine installs the same bytes. The zip keeps Node's layer
 * layout (`nodejs/node_modules/sharp`, `nodejs/node_modules/@img/...`), deflated like the function
 * zips (stacks/packaging/zip.ts), and is cached under
 * `.build/sharp-layer/<sharp version>-<lock hash>/` until the locked versions or Node's zlib change.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { npmCiForPlatform } from './npm-ci';
import { readZip, writeZip, type ZipArtifact, type ZipEntry } from './zip';

/** The platform the layer is installed for: Lambda's arm64 (Graviton) runtime on Amazon Linux 2023. */
export const LAYER_PLATFORM = { os: 'linux', cpu: 'arm64', libc: 'glibc' } as const;

/** The layer's packages could not be downloaded: the one sentence `npm run synth` prints. */
export class SharpLayerFetchError extends Error {
  constructor(sharpVersion: string, registry: string, reason: string) {
    super(
      `Could not fetch sharp ${sharpVersion} and its linux-arm64 binaries from the npm registry (${registry}: ${reason}) to build the Lambda layer; connect to the registry once and synthesize again (later synths use the cache in .build/sharp-layer).`,
    );
    this.name = 'SharpLayerFetchError';
  }
}

/** Bump when the layer's layout or build steps change, so cached layers are rebuilt. */
const LAYER_FORMAT = 2;

interface LockEntry {
  readonly version?: string;
  readonly integrity?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly [field: string]: unknown;
}

interface PackageLock {
  readonly lockfileVersion?: number;
  readonly packages?: Record<string, LockEntry>;
}

export interface SharpLayerOptions {
  /** The repository root holding package-lock.json. */
  readonly root: string;
  /** Where built layers are cached. @default `<root>/.build/sharp-layer` */
  readonly cacheDir?: string;
}

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
}

export interface SharpLayer extends ZipArtifact {
  readonly sharpVersion: string;
  /** Every package in the layer, sorted by name. */
  readonly packages: readonly InstalledPackage[];
  /** True when the zip came from the cache. */
  readonly cached: boolean;
}

/** The lock entries sharp needs (itself, its dependencies and its optional platform packages). */
export function sharpLockSubset(lock: PackageLock): { version: string; packages: Record<string, LockEntry> } {
  const packages = lock.packages ?? {};
  const sharp = packages['node_modules/sharp'];
  if (!sharp?.version) {
    throw new Error('Expected package-lock.json (lockfileVersion 2 or 3) to contain node_modules/sharp with a version, but it does not: run `npm install` first.');
  }
  const subset: Record<string, LockEntry> = {};
  const visit = (path: string) => {
    if (subset[path]) return;
    const entry = packages[path];
    if (!entry) return;
    subset[path] = entry;
    for (const dependency of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const resolved = resolveInLock(packages, path, dependency);
      if (resolved) visit(resolved);
      else if (!entry.optionalDependencies?.[dependency]) {
        throw new Error(`package-lock.json lacks ${dependency}, a dependency of ${path}: run \`npm install\` to repair the lockfile.`);
      }
    }
  };
  visit('node_modules/sharp');
  const sorted = Object.fromEntries(Object.keys(subset).sort().map((key) => [key, subset[key]!]));
  return { version: sharp.version, packages: sorted };
}

/** npm's lookup: `<from>/node_modules/<name>`, then each parent `node_modules` up to the root. */
function resolveInLock(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    const index = base.lastIndexOf('/node_modules/');
    if (index < 0) break;
    base = base.slice(0, index);
  }
  return packages[`node_modules/${name}`] ? `node_modules/${name}` : undefined;
}

export async function buildSharpLayer({ root, cacheDir = join(root, '.build', 'sharp-layer') }: SharpLayerOptions): Promise<SharpLayer> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as PackageLock;
  const { version, packages } = sharpLockSubset(lock);
  const installManifest = { name: 'sharp-layer', version: '1.0.0', private: true, dependencies: { sharp: version } };
  const installLock = {
    name: installManifest.name,
    version: installManifest.version,
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: installManifest.name, version: installManifest.version, dependencies: { sharp: version } }, ...packages },
  };
  const key = createHash('sha256').update(JSON.stringify({ LAYER_FORMAT, LAYER_PLATFORM, zlib: process.versions.zlib, installLock })).digest('hex').slice(0, 16);
  const directory = join(cacheDir, `${version}-${key}`);
  const zipPath = join(directory, 'layer.zip');
  const metadataPath = join(directory, 'layer.json');

  if (existsSync(zipPath) && existsSync(metadataPath)) {
    const metadata = JSON.parse(readFileSync(metadataPath, 'utf8')) as { packages: InstalledPackage[] };
    return { ...readZip(zipPath), sharpVersion: version, packages: metadata.packages, cached: true };
  }

  const work = join(cacheDir, `tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(work, { recursive: true });
  try {
    writeFileSync(join(work, 'package.json'), `${JSON.stringify(installManifest, null, 2)}\n`);
    writeFileSync(join(work, 'package-lock.json'), `${JSON.stringify(installLock, null, 2)}\n`);
    await npmCiForPlatform(work, LAYER_PLATFORM, 'building the sharp layer', (registry, reason) => new SharpLayerFetchError(version, registry, reason));
    const modules = join(work, 'node_modules');
    const installed = installedPackages(modules);
    checkBinaries(installed, version);
    const entries = collectFiles(modules).map(
      (file): ZipEntry => ({ name: `nodejs/node_modules/${file.relative}`, data: readFileSync(file.absolute), executable: file.executable }),
    );
    mkdirSync(directory, { recursive: true });
    // Both files are renamed into place (atomic), so a concurrent build never reads half of one.
    writeFileSync(join(work, 'layer.json'), `${JSON.stringify({ sharpVersion: version, platform: LAYER_PLATFORM, packages: installed }, null, 2)}\n`);
    renameSync(join(work, 'layer.json'), metadataPath);
    // Written last and atomically: its presence marks a complete cache entry.
    const artifact = await writeZip(join(work, 'layer.zip'), entries);
    renameSync(artifact.path, zipPath);
    return { ...artifact, path: zipPath, sharpVersion: version, packages: installed, cached: false };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function installedPackages(modules: string): InstalledPackage[] {
  const found: InstalledPackage[] = [];
  const visit = (directory: string) => {
    for (const name of readdirSync(directory).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(directory, name);
      if (name.startsWith('@')) {
        visit(path);
        continue;
      }
      const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { name: string; version: string };
      found.push({ name: manifest.name, version: manifest.version });
      if (existsSync(join(path, 'node_modules'))) visit(join(path, 'node_modules'));
    }
  };
  visit(modules);
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function checkBinaries(installed: readonly InstalledPackage[], sharpVersion: string): void {
  const names = new Set(installed.map((entry) => entry.name));
  const expected = ['sharp', '@img/sharp-linux-arm64', '@img/sharp-libvips-linux-arm64'];
  const missing = expected.filter((name) => !names.has(name));
  const foreign = [...names].filter((name) => name.startsWith('@img/sharp-') && !/-linux-arm64$/.test(name));
  if (missing.length > 0 || foreign.length > 0) {
    throw new Error(
      `Expected npm to install sharp ${sharpVersion} with its linux-arm64 glibc binaries only, but ${
        missing.length > 0 ? `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing` : ''
      }${missing.length > 0 && foreign.length > 0 ? ' and ' : ''}${foreign.length > 0 ? `it also installed ${foreign.join(', ')}` : ''} (the npm in use must honour --os, --cpu and --libc).`,
    );
  }
}

interface FoundFile {
  readonly relative: string;
  readonly absolute: string;
  readonly executable: boolean;
}

function collectFiles(modules: string): FoundFile[] {
  const files: FoundFile[] = [];
  const visit = (directory: string, prefix: string) => {
    for (const name of readdirSync(directory)) {
      if (prefix === '' && (name === '.bin' || name === '.package-lock.json')) continue;
      const absolute = join(directory, name);
      const relative = `${prefix}${name}`;
      const stat = lstatSync(absolute);
      if (stat.isDirectory()) {
        if (name === '.bin') continue;
        visit(absolute, `${relative}/`);
      } else if (stat.isFile()) {
        files.push({ relative, absolute, executable: (stat.mode & 0o111) !== 0 });
      } else {
        throw new Error(`The sharp layer may only hold regular files, but ${relative} is not one.`);
      }
    }
  };
  visit(modules, '');
  return files;
}
