import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSharpLayer, SharpLayerFetchError, sharpLockSubset, type SharpLayer } from '../../../stacks/packaging/sharp-layer';
import { readZipEntries, ROOT } from '../support';

const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string; integrity?: string }> };

/** ELF machine of a shared object: 183 is AArch64, 62 is x86-64. */
function elfMachine(data: Buffer): number {
  expect(data.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  return data.readUInt16LE(18);
}

describe('sharp layer', () => {
  let layer: SharpLayer;
  let entries: Map<string, Buffer>;
  beforeAll(async () => {
    layer = await buildSharpLayer({ root: ROOT });
    entries = readZipEntries(readFileSync(layer.path));
  });

  it('installs exactly the versions and integrity hashes locked in package-lock.json', () => {
    const { version, packages } = sharpLockSubset(lock);
    expect(version).toBe(lock.packages['node_modules/sharp']!.version);
    for (const [path, entry] of Object.entries(packages)) expect(entry).toBe(lock.packages[path]);
    expect(Object.keys(packages)).toEqual(
      expect.arrayContaining(['node_modules/sharp', 'node_modules/@img/sharp-linux-arm64', 'node_modules/@img/sharp-libvips-linux-arm64', 'node_modules/detect-libc', 'node_modules/semver']),
    );
    for (const installed of layer.packages) {
      const locked = Object.entries(packages).find(([path]) => path.endsWith(`node_modules/${installed.name}`));
      expect([installed.name, installed.version]).toEqual([installed.name, locked?.[1].version]);
    }
  });

  it('lays sharp out as a Node.js layer: nodejs/node_modules/sharp and nodejs/node_modules/@img/...', () => {
    const names = [...entries.keys()];
    expect(names.every((name) => name.startsWith('nodejs/node_modules/'))).toBe(true);
    expect(JSON.parse(entries.get('nodejs/node_modules/sharp/package.json')!.toString()).version).toBe(layer.sharpVersion);
    expect(names.some((name) => name.startsWith('nodejs/node_modules/@img/sharp-linux-arm64/'))).toBe(true);
    expect(names.some((name) => name.startsWith('nodejs/node_modules/@img/sharp-libvips-linux-arm64/'))).toBe(true);
    expect(names.filter((name) => /node_modules\/(\.bin|\.package-lock\.json)/.test(name))).toEqual([]);
    expect(names).toEqual([...names].sort());
  });

  it('carries linux-arm64 binaries and no other platform', () => {
    const binaries = [...entries.keys()].filter((name) => /\.node$|\.so(\.\d+)*$/.test(name));
    expect(binaries.some((name) => name.endsWith('.node'))).toBe(true);
    expect(binaries.some((name) => /libvips-cpp\.so/.test(name))).toBe(true);
    for (const name of binaries) expect([name, elfMachine(entries.get(name)!)]).toEqual([name, 183]);
    expect([...new Set([...entries.keys()].map((name) => /@img\/(sharp-[^/]+)\//.exec(name)?.[1]).filter(Boolean))].sort()).toEqual([
      'sharp-libvips-linux-arm64',
      'sharp-linux-arm64',
    ]);
  });

  it('is deflated: the zip is well under half of what it holds', () => {
    const unpacked = [...entries.values()].reduce((sum, data) => sum + data.length, 0);
    expect(layer.bytes).toBeLessThan(unpacked / 2);
  });

  it('is cached by locked version and gives the same bytes again', async () => {
    const again = await buildSharpLayer({ root: ROOT });
    expect(again.cached).toBe(true);
    expect(again.sha256Base64).toBe(layer.sha256Base64);
    expect(again.path).toMatch(new RegExp(`\\.build/sharp-layer/${layer.sharpVersion.replace(/\./g, '\\.')}-[0-9a-f]{16}/layer\\.zip$`));
  });
});

describe('a cold build without the registry', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['npm_config_registry', 'npm_config_cache', 'npm_config_fetch_retries', 'npm_config_offline']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('fails with one sentence naming the registry, not npm output', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'sharp-layer-cold-'));
    // A closed loopback port and an empty cache: nothing can be fetched, and npm gives up at once.
    process.env.npm_config_registry = 'http://127.0.0.1:9/';
    process.env.npm_config_cache = join(scratch, 'npm-cache');
    process.env.npm_config_fetch_retries = '0';
    try {
      const failure = buildSharpLayer({ root: ROOT, cacheDir: join(scratch, 'layers') });
      await expect(failure).rejects.toBeInstanceOf(SharpLayerFetchError);
      const message = await failure.then(() => '', (error: Error) => error.message);
      expect(message).toMatch(/^Could not fetch sharp \d+\.\d+\.\d+ .* from the npm registry \(http:\/\/127\.0\.0\.1:9\/: ECONNREFUSED\)/);
      expect(message.split('\n')).toHaveLength(1);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
