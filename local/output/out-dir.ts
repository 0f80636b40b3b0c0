/**
 * Checking --out before anything starts: it must name a folder that exists or can be created,
 * and every problem is one sentence (exit 2). Missing folders are created one level at a time:
 * Node's recursive mkdir never returns for a path under /proc (it retries ENOENT forever).
 */
import type { Stats } from 'node:fs';
import { mkdir, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { printable } from '../printable';
import { UserError } from '../user-error';
import { userPath } from '../user-directory';

/** What a file system error means, in words. */
export function errnoReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space is left on the device';
    case 'ENOENT':
      return 'the file system there does not allow new folders';
    default:
      return code ?? (error as Error)?.message ?? String(error);
  }
}

/** "a file", "a FIFO", … for a path that is not a folder. */
export function kindOf(info: Stats): string {
  if (info.isFile()) return 'a file';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a folder';
}

/** The absolute, symlink-free path of --out, created if missing. @throws UserError */
export async function ensureOutDir(given: string, base?: string): Promise<string> {
  if (given === '') throw new UserError('Expected --out to name a folder, but it is empty.');
  const absolute = userPath(given, base);
  const quoted = `--out "${printable(given)}"`;
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    let info: Stats;
    try {
      info = await stat(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(current) !== current) {
        missing.unshift(current);
        current = dirname(current);
        continue;
      }
      throw new UserError(`Expected ${quoted} to be a folder this command can use, but ${printable(current)} cannot be read: ${errnoReason(error)}.`);
    }
    if (!info.isDirectory()) {
      throw new UserError(
        current === absolute
          ? `Expected ${quoted} to be a folder, but it is ${kindOf(info)}.`
          : `Expected ${quoted} to be a folder this command can create, but ${printable(current)} is ${kindOf(info)}.`,
      );
    }
    break;
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UserError(`Expected ${quoted} to be a folder this command can create, but ${printable(folder)} cannot be created: ${errnoReason(error)}.`);
      }
    }
  }
  return realpath(absolute);
}
