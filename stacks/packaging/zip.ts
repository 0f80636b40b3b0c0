/**
 * Deterministic zip archives: the same entries give the same bytes on any machine, in any
 * directory, in any time zone, so `source_code_hash` (and the Terraform plan) only changes when
 * the code does.
 *
 * - entries sorted by name (plain code-unit order), no directory entries;
 * - a fixed modification time (1980-01-01 00:00, the DOS epoch) written only in the DOS fields:
 *   yazl derives those from local time, so the date is built from local components, and its
 *   UTC "UT" extra field (which would differ per time zone) is switched off;
 * - a fixed mode: 0644, or 0755 when any execute bit was set;
 * - entries are deflated at one fixed level ({@link DEFLATE_LEVEL}) by Node's own zlib (yazl
 *   hands each buffer to `zlib.deflateRaw`). A deflate stream is only as stable as the zlib that
 *   wrote it, and Node bundles its zlib: the `node` devDependency pins the Node every npm script
 *   runs on (24.21.0, zlib 1.3.2.1-motley-8002e91), so it pins the zlib too. That zlib hashes
 *   with CRC32C on x86-64 (SSE4.2) and on arm64 alike, so both write the same bytes (checked by
 *   hand on a bundle and on libvips: Node 24.21.0 for x64, and for arm64 under qemu). The function
 *   cache keys on `process.versions.zlib`, so a zip is never reused across zlibs; upgrading Node
 *   may change the bytes once, as any other input would.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ZipFile } from 'yazl';

export interface ZipEntry {
  /** Path inside the archive, with forward slashes and no leading slash. */
  readonly name: string;
  readonly data: Buffer;
  /** True for files that must stay executable. @default false */
  readonly executable?: boolean;
}

export interface ZipArtifact {
  /** Absolute path of the archive on this machine (never written into the Terraform JSON). */
  readonly path: string;
  /** base64 SHA-256 of the archive, as Terraform's `filebase64sha256` computes it: the `source_code_hash`. */
  readonly sha256Base64: string;
  /** hex SHA-256 of the archive, used to name the asset folder. */
  readonly sha256Hex: string;
  readonly bytes: number;
}

/** The DOS epoch, built from local components because yazl encodes the DOS fields from local time. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0, 0);
const FILE_MODE = 0o100644;
/** zlib's best compression: zips are built once per change and uploaded on every deploy. */
export const DEFLATE_LEVEL = 9;
const EXECUTABLE_MODE = 0o100755;

export async function zipBuffer(entries: readonly ZipEntry[]): Promise<Buffer> {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!entry.name || entry.name.startsWith('/') || entry.name.includes('\\') || entry.name.split('/').includes('..')) {
      throw new Error(`Expected a relative zip entry name with forward slashes, but got "${entry.name}".`);
    }
    if (seen.has(entry.name)) throw new Error(`Expected unique zip entry names, but "${entry.name}" appears twice.`);
    seen.add(entry.name);
  }
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const zip = new ZipFile();
  for (const entry of sorted) {
    zip.addBuffer(entry.data, entry.name, {
      mtime: FIXED_MTIME,
      mode: entry.executable ? EXECUTABLE_MODE : FILE_MODE,
      compressionLevel: DEFLATE_LEVEL,
      forceDosTimestamp: true,
    });
  }
  zip.end();
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

export function describeZip(path: string, data: Buffer): ZipArtifact {
  const digest = createHash('sha256').update(data).digest();
  return { path, sha256Base64: digest.toString('base64'), sha256Hex: digest.toString('hex'), bytes: data.length };
}

/** Writes the archive atomically (temporary file + rename), so a concurrent reader never sees half a zip. */
export async function writeZip(path: string, entries: readonly ZipEntry[]): Promise<ZipArtifact> {
  return writeZipData(path, await zipBuffer(entries));
}

/** Writes an archive built by {@link zipBuffer}, atomically. */
export function writeZipData(path: string, data: Buffer): ZipArtifact {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
  return describeZip(path, data);
}

/** Reads an archive written earlier (for example from the cache) and describes it. */
export function readZip(path: string): ZipArtifact {
  return describeZip(path, readFileSync(path));
}
