/**
 * A run's output, staged under `<out>/.staging-<pid>/` and published at the end (publish.ts), so
 * --out only ever holds complete results: the previous run's until the new run publishes. Opening
 * a stage checks --out (one sentence, exit 2, before anything starts), settles what dead runs
 * left (recover.ts), refuses a report.json this command did not write, and works out which names
 * the new folders must avoid.
 */
import { existsSync } from 'node:fs';
import { lstat, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { printable } from '../printable';
import type { Report } from '../report';
import { UserError } from '../user-error';
import { STAGED_FOLDERS, takenNames } from './layout';
import { describeFile, isUnchanged, MANIFEST_NAME, readManifest, REPORT_NAME, type WrittenFile } from './manifest';
import { ensureOutDir, errnoReason } from './out-dir';
import { currentOwner, stagingName, writeMarker } from './owner';
import { publishStage } from './publish';
import { recoverOutDir } from './recover';

export class OutputStage {
  private readonly staged = new Map<string, WrittenFile>();
  private closed = false;

  private constructor(
    /** --out, absolute and symlink-free. */
    readonly outDir: string,
    /** This run's staging folder. */
    readonly dir: string,
    /** What the previous run published (its manifest). */
    readonly previous: readonly WrittenFile[],
    /** Names in --out that new folders must avoid. */
    readonly taken: readonly string[],
    /** One sentence per leftover of a dead run that was settled. */
    readonly notes: readonly string[],
  ) {}

  /** @throws UserError when --out cannot be used, is busy, or holds a report.json this command did not write. */
  static async open(given: string, options: { base?: string } = {}): Promise<OutputStage> {
    const outDir = await ensureOutDir(given, options.base);
    const notes = await recoverOutDir(outDir);
    const previous = await readManifest(join(outDir, MANIFEST_NAME));
    const report = previous.find((file) => file.path === REPORT_NAME);
    if ((await lstat(join(outDir, REPORT_NAME)).catch(() => undefined)) && !(report && (await isUnchanged(outDir, report)))) {
      throw new UserError(
        `Expected --out "${printable(given)}" to hold no report.json but one this command wrote, but its report.json was not written by this command (or was changed since): move it away or choose another --out.`,
      );
    }
    const dir = join(outDir, stagingName(process.pid));
    try {
      await mkdir(dir);
      await writeMarker(dir, currentOwner());
      await mkdir(join(dir, STAGED_FOLDERS));
    } catch (error) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw new UserError(`Expected --out "${printable(given)}" to be a folder this command can write to, but writing in it fails: ${errnoReason(error)}.`);
    }
    return new OutputStage(outDir, dir, previous, await takenNames(outDir, previous), notes);
  }

  /** Stages one output as `<folder>/<name>`, never over another file; returns that path (as report.json holds it until publishing). */
  async write(folder: string, name: string, bytes: Buffer): Promise<string> {
    if (this.closed) throw new Error(`The output of this run has been published or discarded; ${folder}/${name} was not written.`);
    const path = `${folder}/${name}`;
    const folderDir = join(this.dir, STAGED_FOLDERS, folder);
    if (!existsSync(folderDir)) await mkdir(folderDir).catch((error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? undefined : Promise.reject(error)));
    await writeFile(join(folderDir, name), bytes, { flag: 'wx' });
    this.staged.set(path, describeFile(path, bytes));
    return path;
  }

  /**
   * Publishes the staged outputs and `report` into --out (see publish.ts) and removes the
   * staging folder. Returns the report as published (an output folder whose name was taken
   * meanwhile moves to a free one) and its path.
   */
  async publish<R extends Report>(report: R): Promise<{ report: R; reportPath: string }> {
    this.closed = true;
    return publishStage({ outDir: this.outDir, dir: this.dir, previous: this.previous, staged: [...this.staged.values()] }, report);
  }

  /** Removes the staging folder without publishing (the run could not complete); --out stays as it was. */
  async discard(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await rm(this.dir, { recursive: true, force: true });
  }
}
