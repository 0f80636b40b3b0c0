/**
 * The fleet's API artifact: one deterministic zip holding the API bundle (`api/index.js` and its
 * source map), the gallery's files beside it (`api/gallery/`) and the Node runtime that runs it
 * (`node/bin/node`, `node/LICENSE`), so the instances need nothing from the internet. The same
 * sources, lockfile and Node pin give the same bytes, hence the same SHA-256 the user data checks
 * and the same S3 key: a plan shows no change when nothing changed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildGallery } from '../../handlers/entrypoints/api/gallery/build';
import { bundleEntrypoints } from './bundle';
import { NODE_RUNTIME, nodeRuntime } from './node-runtime';
import { describeZip, writeZipData, zipBuffer, type ZipArtifact, type ZipEntry } from './zip';

export interface ApiArtifact extends ZipArtifact {
  readonly nodeVersion: string;
}

export interface ApiArtifactOptions {
  readonly root: string;
  /** @default `<root>/.build` */
  readonly buildDir?: string;
}

/** The zip's entries: what the user data unpacks into /opt/image-api. */
export async function apiArtifactEntries(root: string, buildDir = join(root, '.build')): Promise<ZipEntry[]> {
  const [{ bundles }, gallery, node] = await Promise.all([bundleEntrypoints({ root, entrypoints: ['api'] }), buildGallery(), nodeRuntime(root, join(buildDir, 'node-runtime'))]);
  const bundle = bundles[0]!;
  if (bundle.externals.length > 0) throw new Error(`Expected the API bundle to need no package beside it, but it leaves ${bundle.externals.join(', ')} external.`);
  return [
    { name: 'api/index.js', data: bundle.code },
    { name: 'api/index.js.map', data: bundle.sourceMap },
    { name: 'api/gallery/index.html', data: Buffer.from(gallery.html) },
    { name: 'api/gallery/gallery.js', data: Buffer.from(gallery.js) },
    { name: 'api/gallery/gallery.css', data: Buffer.from(gallery.css) },
    { name: 'node/bin/node', data: node.binary, executable: true },
    { name: 'node/LICENSE', data: node.license },
  ];
}

const pending = new Map<string, Promise<ApiArtifact>>();

/** Builds the artifact (once per process and root) into `<buildDir>/api/api.zip`, rewriting the file only when its bytes change. */
export function apiArtifact(options: ApiArtifactOptions): Promise<ApiArtifact> {
  const root = resolve(options.root);
  const buildDir = resolve(options.buildDir ?? join(root, '.build'));
  const key = `${root}\0${buildDir}`;
  let building = pending.get(key);
  if (!building) {
    building = buildApiArtifact(root, buildDir);
    pending.set(key, building);
    building.catch(() => pending.delete(key));
  }
  return building;
}

async function buildApiArtifact(root: string, buildDir: string): Promise<ApiArtifact> {
  const path = join(buildDir, 'api', 'api.zip');
  const data = await zipBuffer(await apiArtifactEntries(root, buildDir));
  const built = describeZip(path, data);
  const unchanged = existsSync(path) && describeZip(path, readFileSync(path)).sha256Hex === built.sha256Hex;
  return { ...(unchanged ? built : writeZipData(path, data)), nodeVersion: NODE_RUNTIME.version };
}
