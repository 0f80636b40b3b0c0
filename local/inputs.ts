/**
 * Turning what a person typed into a list of input files, and giving each a readable output
 * folder. Shared by `npm start` and `npm run process` so both lay out `--out` the same way.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

/** Files as given, and every file under each directory given (recursively, sorted, dotfiles skipped). */
export async function collectInputs(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => {
      throw new Error(`Expected "${path}" to be a file or folder, but nothing exists at that path.`);
    });
    if (info.isDirectory()) {
      const entries = await readdir(path, { recursive: true, withFileTypes: true });
      files.push(
        ...entries
          .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
          .map((entry) => join(entry.parentPath, entry.name))
          .sort(),
      );
    } else {
      files.push(path);
    }
  }
  return files;
}

/** One folder name per input, from its file name, made unique with `-2`, `-3`… in input order. */
export function outputFolders(inputs: readonly string[]): string[] {
  const used = new Set<string>();
  return inputs.map((input) => {
    const stem = basename(input, extname(input)).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '') || 'image';
    let name = stem;
    for (let n = 2; used.has(name); n += 1) name = `${stem}-${n}`;
    used.add(name);
    return name;
  });
}
