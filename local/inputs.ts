/**
 * Turning what a person typed into a list of input files, and giving each a readable output
 * folder. Shared by `npm start` and `npm run process` so both lay out `--out` the same way.
 * Directories are read recursively (hidden entries skipped); files are taken whatever their
 * extension, since the pipeline itself decides what is an image.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import type { JobError } from '../handlers/workflow/events';
import { classifyInput, type RegularFile } from './input-file';
import { printable } from './printable';
import { UserError } from './user-error';

export interface InputFile extends RegularFile {
  /** The path as the user gave it, or as found under a folder they gave. */
  readonly input: string;
  /** Set when the input is not a regular file (NOT_A_FILE): its verdict. Such an input is never read. */
  readonly rejected?: JobError;
}

/**
 * Expands files and directories into the inputs to process, in a stable order, without
 * duplicates; anything under an `exclude` path (e.g. the output folder) is skipped. Relative
 * paths resolve from `base` (the user's directory). Entries that are not regular files come back
 * with their verdict; a path that does not exist is the user's mistake.
 * @throws UserError
 */
export async function collectInputFiles(
  paths: readonly string[],
  options: { exclude?: readonly string[]; base?: string } = {},
): Promise<InputFile[]> {
  const base = options.base ?? process.cwd();
  const excluded = (options.exclude ?? []).map((path) => resolve(base, path));
  const isExcluded = (absolute: string) => excluded.some((path) => absolute === path || absolute.startsWith(path + sep));
  const found = new Map<string, InputFile>();
  const add = async (input: string, path: string) => {
    if (found.has(path)) return;
    const classified = await classifyInput(input, path);
    found.set(
      path,
      classified instanceof Error
        ? { input, absolute: path, bytes: 0, dev: 0, ino: 0, rejected: { code: classified.code, message: classified.message } }
        : { input, ...classified },
    );
  };
  for (const given of paths) {
    const absolute = resolve(base, given);
    let info;
    try {
      info = await stat(absolute);
    } catch (error) {
      throw new UserError(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `Expected "${printable(given)}" to be a file or folder, but nothing exists at that path.`
          : `Expected "${printable(given)}" to be readable, but: ${(error as Error).message}`,
      );
    }
    if (!info.isDirectory()) {
      await add(given, absolute);
      continue;
    }
    const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
    const files: string[] = [];
    for (const entry of entries) {
      const full = join(entry.parentPath, entry.name);
      if (relative(absolute, full).split(sep).some((part) => part.startsWith('.'))) continue;
      if (isExcluded(full) || entry.isDirectory()) continue;
      files.push(full);
    }
    for (const full of files.sort()) await add(join(given, relative(absolute, full)), full);
  }
  return [...found.values()];
}

/** A readable folder name for an input: its file name without extension, reduced to safe characters. */
export function readableName(input: string): string {
  const file = basename(input);
  const stem = file.slice(0, file.length - extname(file).length) || file;
  const safe = stem
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return safe || 'image';
}

/** One folder name per input, from its file name, made unique with `-2`, `-3`… in input order. */
export function outputFolders(inputs: readonly string[]): string[] {
  return assignFolders(inputs, ['report.json']);
}

/**
 * One distinct folder name per input, in input order: `cat`, `cat-2`, … Names in `taken` (already in
 * the output folder, or reserved like `report.json`) are avoided; comparison ignores case so the
 * layout survives case-insensitive file systems.
 */
export function assignFolders(inputs: readonly string[], taken: Iterable<string> = []): string[] {
  const used = new Set([...taken].map((name) => name.toLowerCase()));
  return inputs.map((input) => {
    const base = readableName(input);
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n += 1) name = `${base}-${n}`;
    used.add(name.toLowerCase());
    return name;
  });
}
