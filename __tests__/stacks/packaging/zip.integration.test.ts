import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { DEFLATE_LEVEL, writeZip, zipBuffer, type ZipEntry } from '../../../stacks/packaging/zip';
import { readZipEntries, ROOT } from '../support';

const ENTRIES: ZipEntry[] = [
  { name: 'index.js', data: Buffer.from('exports.handler = async () => 1;\n') },
  { name: 'index.js.map', data: Buffer.from('{"version":3}') },
  { name: 'nodejs/node_modules/a/bin.sh', data: Buffer.from('#!/bin/sh\n'), executable: true },
];

/** The central directory entries: name, method, DOS time and date, extra length, external attributes. */
function centralDirectory(zip: Buffer) {
  const entries: { name: string; method: number; time: number; date: number; extra: number; mode: number }[] = [];
  for (let offset = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); offset >= 0; offset = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), offset + 4)) {
    const nameLength = zip.readUInt16LE(offset + 28);
    entries.push({
      method: zip.readUInt16LE(offset + 10),
      time: zip.readUInt16LE(offset + 12),
      date: zip.readUInt16LE(offset + 14),
      extra: zip.readUInt16LE(offset + 30),
      mode: zip.readUInt32LE(offset + 38) >>> 16,
      name: zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8'),
    });
  }
  return entries;
}

describe('deterministic zips', () => {
  it('gives the same bytes whatever order the entries come in', async () => {
    const forward = await zipBuffer(ENTRIES);
    const backward = await zipBuffer([...ENTRIES].reverse());
    expect(backward.equals(forward)).toBe(true);
  });

  it('sorts entries, deflates them, and fixes time (1980-01-01 00:00, no UTC extra field) and mode', async () => {
    const entries = centralDirectory(await zipBuffer([...ENTRIES].reverse()));
    expect(entries).toEqual([
      { name: 'index.js', method: 8, time: 0, date: (0 << 9) | (1 << 5) | 1, extra: 0, mode: 0o100644 },
      { name: 'index.js.map', method: 8, time: 0, date: 0x21, extra: 0, mode: 0o100644 },
      { name: 'nodejs/node_modules/a/bin.sh', method: 8, time: 0, date: 0x21, extra: 0, mode: 0o100755 },
    ]);
  });

  it('deflates each entry at the fixed level with Node\'s zlib, and the entries read back whole', async () => {
    const source = Buffer.from(readFileSync(join(ROOT, 'stacks/packaging/zip.ts'), 'utf8').repeat(20));
    const zip = await zipBuffer([{ name: 'big.txt', data: source }]);
    expect(zip.includes(deflateRawSync(source, { level: DEFLATE_LEVEL }))).toBe(true);
    expect(zip.length).toBeLessThan(source.length / 10);
    expect(readZipEntries(zip).get('big.txt')!.equals(source)).toBe(true);
  });

  it('gives the same bytes in another time zone', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'zip-tz-'));
    const script = join(directory, 'zip.ts');
    writeFileSync(
      script,
      `import { zipBuffer } from ${JSON.stringify(join(ROOT, 'stacks/packaging/zip'))};
zipBuffer(${JSON.stringify(ENTRIES.map((entry) => ({ ...entry, data: entry.data.toString() })))}.map((entry) => ({ ...entry, data: Buffer.from(entry.data) })))
  .then((zip) => process.stdout.write(zip.toString('base64')));\n`,
    );
    const here = (await zipBuffer(ENTRIES)).toString('base64');
    for (const zone of ['Pacific/Chatham', 'America/St_Johns']) {
      const there = execFileSync(join(ROOT, 'node_modules/.bin/tsx'), [script], { env: { ...process.env, TZ: zone }, encoding: 'utf8' });
      expect(there).toBe(here);
    }
  });

  it('reports the hash Terraform computes with filebase64sha256', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'zip-')), 'code.zip');
    const artifact = await writeZip(path, ENTRIES);
    const bytes = readFileSync(path);
    expect(artifact.sha256Base64).toBe(createHash('sha256').update(bytes).digest('base64'));
    expect(artifact.sha256Hex).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(artifact.bytes).toBe(bytes.length);
  });

  it('refuses names that are absolute, escape the archive or repeat', async () => {
    await expect(zipBuffer([{ name: '/etc/passwd', data: Buffer.alloc(0) }])).rejects.toThrow('Expected a relative zip entry name');
    await expect(zipBuffer([{ name: 'a/../../b', data: Buffer.alloc(0) }])).rejects.toThrow('Expected a relative zip entry name');
    await expect(zipBuffer([ENTRIES[0]!, ENTRIES[0]!])).rejects.toThrow('Expected unique zip entry names, but "index.js" appears twice.');
  });
});
