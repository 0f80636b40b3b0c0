/** Preparing the output folder of a local run. */
import { mkdir, readFile, readdir, rm, rmdir } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { Report } from './report';

/**
 * Makes room in the output folder: the files a previous run recorded in its report.json are
 * removed, then their folders if that left them empty. Nothing else is touched, so a stray or
 * foreign report.json can never delete a person's files; remaining names are avoided.
 */
export async function prepareOutDir(outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  let previous: Report | undefined;
  try {
    previous = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as Report;
  } catch {
    // No previous report (or not ours): nothing to clean.
  }
  const paths = (previous?.jobs ?? []).flatMap((job) => job.outputs.map((output) => output.path));
  const inside = paths.filter((path) => typeof path === 'string' && !path.split(/[\\/]/).includes('..') && !isAbsolute(path));
  await Promise.all(inside.map((path) => rm(join(outDir, path), { force: true })));
  const folders = new Set(inside.map((path) => dirname(path)).filter((folder) => folder !== '.'));
  await Promise.all([...folders].map((folder) => rmdir(join(outDir, folder)).catch(() => undefined)));
  return [...(await readdir(outDir)), 'report.json'];
}
