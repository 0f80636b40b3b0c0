/** Folders compared file by file: what "byte-identical output" means in the tests. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `directory`, by relative path, with its sha256. */
export function fileTree(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) visit(path);
      else files[relative(directory, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  visit(directory);
  return files;
}
