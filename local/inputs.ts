/**
 * Turning what a person typed into a list of input files, and giving each a readable output
 * folder. Shared by `npm start` and `npm run process` so both lay out `--out` the same way.
 * Directories are read recursively (hidden entries skipped); files are taken whatever their
 * extension, since the pipeline itself decides what is an image.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve, sep } from 'node:path';

export interface InputFile {
  /** The path as the user gave it, or as found under a folder they gave. */
  readonly input: string;
  /** Absolute path, for reading. */
  readonly absolute: string;
  readonly bytes: number;
}

export class InputError extends Error {
  override readonly name = 'InputError';
}


/**
 * Expands files and directories into the files to process, in a stable order, without duplicates;
 * anything under an `exclude` path (e.g. the output folder) is skipped.
 */
export async function collectInputFiles(paths: readonly string[], options: { exclude?: readonly string[] } = {}): Promise<InputFile[]> {
  const excluded = (options.exclude ?? []).map((path) => resolve(path));
  const isExcluded = (absolute: string) => excluded.some((path) => absolute === path || absolute.startsWith(path + sep));
  const found = new Map<string, InputFile>();
  for (const given of paths) {
    const absolute = resolve(given);
    let info;
    try {
      info = await stat(absolute);
    } catch (error) {
      throw new InputError(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `Expected "${given}" to be a file or folder, but nothing exists at that path.`
          : `Expected "${given}" to be readable, but: ${(error as Error).message}`,
      );
    }
    if (info.isDirectory()) {
      const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
      const files: string[] = [];
      for (const entry of entries) {
        const full = join(entry.parentPath, entry.name);
        const inside = relative(absolute, full);
        if (inside.split(sep).some((part) => part.startsWith('.'))) continue;
        if (isExcluded(full)) continue;
        if (entry.isFile() || (entry.isSymbolicLink() && (await stat(full).catch(() => undefined))?.isFile())) {
          files.push(full);
        }
      }
      files.sort();
      for (const full of files) {
        if (found.has(full)) continue;
        found.set(full, { input: join(given, relative(absolute, full)), absolute: full, bytes: (await stat(full)).size });
      }
    } else if (info.isFile()) {
      if (!found.has(absolute)) found.set(absolute, { input: given, absolute, bytes: info.size });
    } else {
      throw new InputError(`Expected "${given}" to be a file or folder, but it is neither.`);
    }
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
