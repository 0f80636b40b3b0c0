/**
 * Publishing a staged run into --out. Renames only, in an order that never shows a report.json
 * of files that are not there, committed by the last rename:
 *   1. each staged folder the report lists gets its final name (a name taken by a person meanwhile moves it to
 *      a free one); the report and the manifest are written into the staging folder;
 *   2. the previous run's report.json, then its other files (only those still as written), move
 *      aside into the staging folder's previous/;
 *   3. each new folder is renamed into --out, then report.json;
 *   4. commit: the manifest is renamed into --out; the staging folder is removed.
 * A failure before the commit, here or in a process killed meanwhile (recover.ts), is undone.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LocalSystemError } from '../local-system-error';
import type { Report } from '../report';
import { stopAt } from '../stop-at';
import { folderOf, isOurFolder, PREVIOUS, STAGED_FOLDERS, STAGED_MANIFEST, STAGED_REPORT } from './layout';
import { describeFile, isUnchanged, MANIFEST_NAME, manifestText, REPORT_NAME, type WrittenFile } from './manifest';
import { undoPublish } from './recover';

export interface StageContents {
  readonly outDir: string;
  readonly dir: string;
  readonly previous: readonly WrittenFile[];
  readonly staged: readonly WrittenFile[];
}

/** Each staged folder's name in --out: its own, unless a person's entry has that name by now. */
async function finalNames(outDir: string, folders: readonly string[], previous: readonly WrittenFile[]): Promise<Map<string, string>> {
  const used = new Set(folders.map((folder) => folder.toLowerCase()));
  const free = async (name: string) => !existsSync(join(outDir, name)) || (await isOurFolder(outDir, name, previous));
  const names = new Map<string, string>();
  for (const folder of folders) {
    let name = folder;
    for (let n = 2; !(await free(name)) || (name !== folder && used.has(name.toLowerCase())); n += 1) name = `${folder}-${n}`;
    used.add(name.toLowerCase());
    names.set(folder, name);
  }
  return names;
}

/** Moves the previous run's unchanged files into previous/, report.json first; removes the folders that leaves empty. */
async function moveAside(outDir: string, dir: string, previous: readonly WrittenFile[]): Promise<void> {
  const ordered = [...previous].sort((a, b) => Number(b.path === REPORT_NAME) - Number(a.path === REPORT_NAME));
  for (const file of ordered) {
    if (!(await isUnchanged(outDir, file))) continue;
    const target = join(dir, PREVIOUS, file.path);
    await mkdir(dirname(target), { recursive: true });
    await rename(join(outDir, file.path), target);
  }
  for (const folder of new Set(previous.map((file) => folderOf(file.path)))) {
    if (folder !== undefined) await rmdir(join(outDir, folder)).catch(() => undefined);
  }
}

export async function publishStage<R extends Report>(stage: StageContents, report: R): Promise<{ report: R; reportPath: string }> {
  const { outDir, dir, previous } = stage;
  // Only what the report lists: a job abandoned at Ctrl-C may have staged part of its outputs.
  const reported = new Set(report.jobs.flatMap((job) => job.outputs.map((output) => output.path)));
  const staged = stage.staged.filter((file) => reported.has(file.path));
  const folders = [...new Set(staged.map((file) => folderOf(file.path)!))];
  const names = await finalNames(outDir, folders, previous);
  for (const [folder, name] of names) {
    if (name !== folder) await rename(join(dir, STAGED_FOLDERS, folder), join(dir, STAGED_FOLDERS, name));
  }
  const finalPath = (path: string) => {
    const folder = folderOf(path)!;
    return `${names.get(folder) ?? folder}${path.slice(folder.length)}`;
  };
  const published: R = { ...report, jobs: report.jobs.map((job) => ({ ...job, outputs: job.outputs.map((output) => ({ ...output, path: finalPath(output.path) })) })) };
  const reportText = `${JSON.stringify(published, null, 2)}\n`;
  const files = [...staged.map((file) => ({ ...file, path: finalPath(file.path) })), describeFile(REPORT_NAME, Buffer.from(reportText))];
  await writeFile(join(dir, STAGED_REPORT), reportText);
  await writeFile(join(dir, STAGED_MANIFEST), manifestText(files));
  try {
    await moveAside(outDir, dir, previous);
    for (const name of names.values()) {
      await rename(join(dir, STAGED_FOLDERS, name), join(outDir, name));
      stopAt('publish');
    }
    stopAt('publish');
    await rename(join(dir, STAGED_REPORT), join(outDir, REPORT_NAME));
    await rename(join(dir, STAGED_MANIFEST), join(outDir, MANIFEST_NAME));
  } catch (error) {
    // Only once the previous files are back is the staging folder removed; otherwise the next run settles it.
    await undoPublish(outDir, dir)
      .then(() => rm(dir, { recursive: true, force: true }))
      .catch(() => undefined);
    throw new LocalSystemError(`Could not publish the results into ${outDir} (${(error as Error).message}); the previous results there are as they were.`);
  }
  await rm(dir, { recursive: true, force: true });
  return { report: published, reportPath: join(outDir, REPORT_NAME) };
}
