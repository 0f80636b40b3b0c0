/**
 * The one-pass sharp reference as a process of its own, so it is timed like the commands it is
 * compared with: `node .build/bench/reference.js <file>...` decodes each file once and derives
 * the default preset's seven outputs (bench/reference.ts), one file after another, writing nothing.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { onePass } from './reference';

async function main(files: readonly string[]): Promise<void> {
  // No operation cache: every run does its full work, as the commands do.
  sharp.cache(false);
  for (const file of files) await onePass(await readFile(file));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`reference: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
