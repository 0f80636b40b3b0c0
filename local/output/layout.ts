/**
 * The layout of --out and of a staging folder, and which entries of --out a run may reuse.
 *
 *   <out>/<folder>/<output>            published outputs, one folder per input
 *   <out>/report.json                  the last run's report
 *   <out>/.image-processor-files.json  what the last run wrote (manifest.ts)
 *   <out>/.staging-<pid>/              a run in progress (owner.ts):
 *       .run.json                      its owner
 *       folders/<folder>/<output>      the outputs staged so far
 *       report.json, manifest.json     the report and manifest about to be published
 *       previous/…                     the previous run's files, moved aside while publishing
 */
import { lstat, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isUnchanged, MANIFEST_NAME, REPORT_NAME, type WrittenFile } from './manifest';

export const STAGED_FOLDERS = 'folders';
export const STAGED_REPORT = REPORT_NAME;
export const STAGED_MANIFEST = 'manifest.json';
export const PREVIOUS = 'previous';

/** Every regular file under `dir`, relative to it with `/` separators; links and other entries are reported apart. */
export async function filesUnder(dir: string): Promise<{ files: string[]; others: string[] }> {
  const files: string[] = [];
  const others: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return { files, others };
  }
  for (const entry of entries) {
    const path = relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/');
    if (entry.isFile()) files.push(path);
    else if (!entry.isDirectory()) others.push(path);
  }
  return { files: files.sort(), others };
}

/** The folder a written file is in (its first path segment), or undefined for a file at the top. */
export function folderOf(path: string): string | undefined {
  const slash = path.indexOf('/');
  return slash < 0 ? undefined : path.slice(0, slash);
}

/**
 * Whether `<root>/<folder>` holds only files the previous run wrote, unchanged: then the new run
 * may take its name. A link, a subfolder, an edited or an added file makes it the person's.
 */
export async function isOurFolder(root: string, folder: string, previous: readonly WrittenFile[]): Promise<boolean> {
  const info = await lstat(join(root, folder)).catch(() => undefined);
  if (!info?.isDirectory()) return false;
  const listed = new Map(previous.filter((file) => folderOf(file.path) === folder).map((file) => [file.path, file]));
  if (listed.size === 0) return false;
  const entries = await readdir(join(root, folder), { withFileTypes: true });
  for (const entry of entries) {
    const file = listed.get(`${folder}/${entry.name}`);
    if (!entry.isFile() || !file || !(await isUnchanged(root, file))) return false;
  }
  return true;
}

/** Names in --out a new folder must not take: everything but the previous run's own folders. */
export async function takenNames(root: string, previous: readonly WrittenFile[]): Promise<string[]> {
  const taken = [REPORT_NAME, MANIFEST_NAME];
  for (const name of await readdir(root)) {
    if (!(await isOurFolder(root, name, previous))) taken.push(name);
  }
  return taken;
}
