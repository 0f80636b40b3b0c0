/**
 * What a run that died leaves in --out is its own staging folder, and — if it died while
 * publishing — part of the previous results moved aside and part of its own moved in. The next
 * run (or `recoverOutDir`) finds such folders whose process is gone and settles them: a publish
 * that had not reached its commit (the manifest's rename) is undone, putting the previous results
 * back exactly; then the staging folder is removed. A run still in progress makes --out busy.
 */
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { printable } from '../printable';
import { UserError } from '../user-error';
import { isUnchanged, readManifest } from './manifest';
import { filesUnder, folderOf, PREVIOUS, STAGED_FOLDERS, STAGED_MANIFEST, STAGED_REPORT } from './layout';
import { isRunning, readMarker, stagingPid } from './owner';

/**
 * Undoes a publish that had not committed: removes what it had moved into `root` (only files
 * still exactly as staged) and moves the previous run's files back from `previous/`.
 */
export async function undoPublish(root: string, stagingDir: string): Promise<void> {
  const staged = await readManifest(join(stagingDir, STAGED_MANIFEST));
  // Moved in: a folder no longer under folders/, the report no longer in the staging folder.
  const placed = staged.filter((file) => {
    const folder = folderOf(file.path);
    return folder === undefined ? !existsSync(join(stagingDir, STAGED_REPORT)) : !existsSync(join(stagingDir, STAGED_FOLDERS, folder));
  });
  for (const file of placed) if (await isUnchanged(root, file)) await unlink(join(root, file.path));
  for (const folder of new Set(placed.map((file) => folderOf(file.path)))) {
    if (folder !== undefined) await rmdir(join(root, folder)).catch(() => undefined);
  }
  const previous = join(stagingDir, PREVIOUS);
  for (const path of (await filesUnder(previous)).files) {
    const target = join(root, path);
    if (existsSync(target)) continue;
    if (dirname(target) !== root) await mkdir(dirname(target)).catch(() => undefined);
    await rename(join(previous, path), target);
  }
}

/**
 * Settles the staging folders of runs that are gone; returns a sentence for each.
 * @throws UserError when a run that is still going writes to the same --out.
 */
export async function recoverOutDir(outDir: string): Promise<string[]> {
  const root = await realpath(outDir);
  const notes: string[] = [];
  for (const name of await readdir(root)) {
    const pid = stagingPid(name);
    if (pid === undefined || pid === process.pid) continue;
    const dir = join(root, name);
    if (!(await lstat(dir)).isDirectory()) continue;
    const owner = await readMarker(dir, pid);
    if (!owner) {
      // Killed between creating the folder and writing its marker, so empty; anything else is not provably ours.
      await rmdir(dir).catch(() => undefined);
      continue;
    }
    if (isRunning(owner)) {
      throw new UserError(`Expected --out "${printable(outDir)}" to be free, but another run (process ${pid}) is writing to it: wait for it to end, or choose another --out.`);
    }
    // The staged manifest is written when publishing begins and renamed into --out as its commit.
    const uncommitted = existsSync(join(dir, STAGED_MANIFEST));
    const committed = !uncommitted && existsSync(join(dir, PREVIOUS));
    if (uncommitted) await undoPublish(root, dir);
    await rm(dir, { recursive: true, force: true });
    const where = printable(outDir);
    notes.push(
      uncommitted
        ? `A run that was stopped while publishing (process ${pid}) had begun to replace the results in ${where}; they are back as they were.`
        : committed
          ? `A run that was stopped right after publishing its results in ${where} (process ${pid}) left ${name}; removed it.`
          : `A run that was stopped before it finished (process ${pid}) left ${name} in ${where}; removed it (the results there are as they were).`,
    );
  }
  return notes;
}
