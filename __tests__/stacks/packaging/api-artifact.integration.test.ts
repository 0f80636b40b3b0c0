import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { apiArtifactEntries } from '../../../stacks/packaging/api-artifact';
import { NODE_RUNTIME, projectNodeVersion } from '../../../stacks/packaging/node-runtime';
import { zipBuffer } from '../../../stacks/packaging/zip';
import { readZipEntries, ROOT } from '../support';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('the API artifact', () => {
  let first: Buffer;
  beforeAll(async () => {
    first = await zipBuffer(await apiArtifactEntries(ROOT));
  }, 180_000);

  it('is byte-identical when built twice from the same checkout', async () => {
    const second = await zipBuffer(await apiArtifactEntries(ROOT));
    expect(sha256(second)).toBe(sha256(first));
  }, 180_000);

  it('holds the bundle, its source map, the gallery and an executable linux-arm64 Node of the project’s version', () => {
    const entries = readZipEntries(first);
    expect([...entries.keys()]).toEqual(['api/gallery/gallery.css', 'api/gallery/gallery.js', 'api/gallery/index.html', 'api/index.js', 'api/index.js.map', 'node/LICENSE', 'node/bin/node']);
    const node = entries.get('node/bin/node')!;
    // ELF, 64-bit, little-endian, machine 183 (AArch64).
    expect([node.subarray(0, 4).toString('latin1'), node[4], node[5], node.readUInt16LE(18)]).toEqual(['\x7fELF', 2, 1, 183]);
    expect(node.includes(Buffer.from(`v${NODE_RUNTIME.version}`))).toBe(true);
  });

  it('pins the runtime at the node devDependency’s version', () => {
    expect(NODE_RUNTIME.version).toBe(projectNodeVersion(ROOT));
  });

  it('runs on its own: the bundle starts with no node_modules beside it and stops with a sentence when its settings are missing', () => {
    const directory = mkdtempSync(join(tmpdir(), 'api-artifact-'));
    for (const [name, data] of readZipEntries(first)) {
      if (name.startsWith('node/')) continue;
      mkdirSync(dirname(join(directory, name)), { recursive: true });
      writeFileSync(join(directory, name), data);
    }
    const run = spawnSync(process.execPath, [join(directory, 'api', 'index.js')], { cwd: directory, env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(`${run.stdout}${run.stderr}`).toMatch(/The API could not start.*Expected the environment variable POWERTOOLS_SERVICE_NAME to be set/s);
  });
});
