/**
 * The written-files manifest, `<out>/.image-processor-files.json`: every file the last run
 * published into --out (its outputs and report.json), with size and SHA-256. A run replaces or
 * removes only files listed there that are still exactly as written, inside --out with no
 * symbolic link on the way; anything else in --out is the person's and is never touched.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

export const MANIFEST_NAME = '.image-processor-files.json';
export const REPORT_NAME = 'report.json';

export interface WrittenFile {
  /** Relative to --out, `/`-separated. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function describeFile(path: string, bytes: Buffer): WrittenFile {
  return { path, bytes: bytes.length, sha256: sha256(bytes) };
}

export function manifestText(files: readonly WrittenFile[]): string {
  return `${JSON.stringify({ version: 1, files }, null, 2)}\n`;
}

function isWrittenFile(entry: unknown): entry is WrittenFile {
  const file = entry as Partial<WrittenFile> | null;
  return (
    typeof file?.path === 'string' &&
    file.path !== '' &&
    !isAbsolute(file.path) &&
    !file.path.split('/').some((part) => part === '' || part === '.' || part === '..') &&
    Number.isSafeInteger(file.bytes) &&
    typeof file.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(file.sha256)
  );
}

/** The files a manifest lists; none when there is no manifest or it is not one (well-formed entries only). */
export async function readManifest(path: string): Promise<WrittenFile[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return [];
  }
  const files = (parsed as { files?: unknown })?.files;
  return Array.isArray(files) ? files.filter(isWrittenFile) : [];
}

/**
 * Whether `file` is still exactly what was written: a regular file at `<root>/<path>` (root
 * being symlink-free), reached without following any link, of the recorded size and hash.
 */
export async function isUnchanged(root: string, file: WrittenFile): Promise<boolean> {
  const path = join(root, file.path);
  try {
    const info = await lstat(path);
    if (!info.isFile() || info.size !== file.bytes) return false;
    if ((await realpath(path)) !== path) return false;
    return sha256(await readFile(path)) === file.sha256;
  } catch {
    return false;
  }
}
