/**
 * Reading an input as a regular file and nothing else. A FIFO would block the run, a device or
 * a kernel pseudo-file (/proc/self/environ) would pour bytes that are not the user's photo —
 * possibly secrets, into a report. Such inputs get the verdict NOT_A_FILE and are never opened;
 * a file is opened without following links and checked to be the one that was classified.
 */
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { open, realpath, stat, statfs, type FileHandle } from 'node:fs/promises';
import { CodedError } from '../handlers/core/errors';
import { printable } from './printable';

/** File systems whose files the kernel makes up when read (magic numbers from statfs(2)). */
const PSEUDO_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0x6165676c, 'pstore'],
]);

export interface RegularFile {
  /** Symlink-free path. */
  readonly absolute: string;
  readonly bytes: number;
  readonly dev: number;
  readonly ino: number;
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe), which would make the run wait for a writer';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  if (info.isDirectory()) return 'a link to a folder (links inside folders are not followed)';
  return 'not a regular file';
}

function notAFile(input: string, what: string): CodedError {
  return new CodedError('NOT_A_FILE', `Expected a regular file, but ${printable(input)} is ${what}; it was not read.`);
}

/** What `path` (as found) is: a regular file to read, or the NOT_A_FILE verdict saying why not. */
export async function classifyInput(input: string, path: string): Promise<RegularFile | CodedError> {
  let absolute: string;
  try {
    absolute = await realpath(path);
  } catch {
    return notAFile(input, 'a symbolic link to nothing');
  }
  const info = await stat(absolute);
  if (!info.isFile()) return notAFile(input, kindOf(info));
  const fileSystem = PSEUDO_FILE_SYSTEMS.get((await statfs(absolute).catch(() => undefined))?.type ?? 0);
  if (fileSystem) return notAFile(input, `a file the kernel generates when it is read (${fileSystem}, like /proc/self/environ)`);
  return { absolute, bytes: info.size, dev: info.dev, ino: info.ino };
}

/**
 * Opens a classified file for reading: no link followed, never blocking, and only if it is still
 * the same regular file. @throws CodedError NOT_A_FILE when it was replaced meanwhile.
 */
export async function openInput(input: string, file: RegularFile): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(file.absolute, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    throw notAFile(input, `no longer readable (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const info = await handle.stat();
  if (!info.isFile() || info.dev !== file.dev || info.ino !== file.ino) {
    await handle.close();
    throw notAFile(input, 'no longer the file it was when the run began (it was replaced)');
  }
  return handle;
}

/** The file's bytes, at most as many as it had when classified. */
export async function readInput(input: string, file: RegularFile): Promise<Buffer> {
  const handle = await openInput(input, file);
  try {
    const buffer = Buffer.alloc(file.bytes);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
