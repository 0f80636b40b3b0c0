/**
 * Which process a staging folder belongs to, and whether that process is still running. A
 * folder is named `.staging-<pid>` and holds a marker with the pid and the process's start time
 * (from /proc where there is one), so a pid reused by another program is not mistaken for the run.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const STAGING_PREFIX = '.staging-';
const MARKER = '.run.json';

export interface Owner {
  readonly pid: number;
  /** The process's start time in clock ticks since boot; undefined where /proc is not available. */
  readonly startTime?: string;
}

function startTimeOf(pid: number): string | undefined {
  try {
    // Field 22 of /proc/<pid>/stat, counted after the command name (which may contain spaces).
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[19];
  } catch {
    return undefined;
  }
}

export function currentOwner(): Owner {
  const startTime = startTimeOf(process.pid);
  return { pid: process.pid, ...(startTime === undefined ? {} : { startTime }) };
}

export function stagingName(pid: number): string {
  return `${STAGING_PREFIX}${pid}`;
}

/** The pid a staging folder's name gives, or undefined when the name is not one of ours. */
export function stagingPid(name: string): number | undefined {
  const match = /^\.staging-(\d+)$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

export async function writeMarker(stagingDir: string, owner: Owner): Promise<void> {
  await writeFile(join(stagingDir, MARKER), JSON.stringify(owner));
}

/** The marker's owner, when it names the pid of the folder's name. */
export async function readMarker(stagingDir: string, pid: number): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(stagingDir, MARKER), 'utf8')) as Partial<Owner>;
    return owner.pid === pid ? { pid, ...(typeof owner.startTime === 'string' ? { startTime: owner.startTime } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

export function isRunning(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return owner.startTime === undefined || startTimeOf(owner.pid) === owner.startTime;
}
