/**
 * Synthesizes a git ref in a temporary worktree and the working tree, each into a folder two levels
 * below its checkout (so the local backend's relative state path is the same on both sides). No
 * credentials, no Terraform. The worktree gets its own node_modules — the bundler refuses files
 * outside a checkout, so a symlink will not do: hard links of this checkout's when both lock files
 * are the same (seconds), else `npm ci` of the base's lock file (so a dependency bump shows up).
 * It shares this checkout's sharp layer cache, whose entries are keyed by the locked versions.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SystemError, UsageError } from '../cli/command';

const run = promisify(execFile);
const OUT = join('.build', 'synth-diff');

export async function resolveCommit(root: string, ref: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root });
    return stdout.trim();
  } catch {
    throw new UsageError(`Expected --base to name a commit of this repository (a branch, tag or sha such as HEAD~1), but ${JSON.stringify(ref)} is none.`);
  }
}

/** Runs `main.ts` of a checkout on Node 24 with the given output folder; its messages become the error. */
function synthesizeCheckout(checkout: string, outdir: string, env: Readonly<Record<string, string | undefined>>, label: string): Promise<string> {
  const node = join(checkout, 'node_modules', 'node', 'bin', 'node');
  const tsx = join(checkout, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const { CDKTF_OUTDIR: _outdir, SYNTH_HCL_OUTPUT: _hcl, ...rest } = env;
  return new Promise((resolve, reject) => {
    const child = spawn(node, [tsx, 'main.ts'], { cwd: checkout, env: { ...rest, CDKTF_OUTDIR: outdir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new SystemError(`Could not synthesize ${label}: ${error.message}.`)));
    child.on('close', (code) => {
      if (code === 0) resolve(join(checkout, outdir));
      else reject(new SystemError(`Could not synthesize ${label} (exit code ${code}): ${output.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

export async function synthesizeWorkingTree(root: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const outdir = join(OUT, 'working-tree');
  rmSync(join(root, outdir), { recursive: true, force: true });
  return synthesizeCheckout(root, outdir, env, 'the working tree');
}

/** A copy of a folder made of hard links (copies where the file system refuses them); symlinks are recreated as they are. */
export function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
      }
    }
  }
}

async function installDependencies(root: string, checkout: string): Promise<void> {
  const lock = (folder: string) => (existsSync(join(folder, 'package-lock.json')) ? readFileSync(join(folder, 'package-lock.json'), 'utf8') : undefined);
  if (lock(checkout) !== undefined && lock(checkout) === lock(root)) {
    linkTree(join(root, 'node_modules'), join(checkout, 'node_modules'));
    return;
  }
  try {
    await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: checkout, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    throw new SystemError(`Could not install the base's dependencies with npm ci (its package-lock.json differs from the working tree's): ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Synthesizes `commit` in a temporary worktree under .build/; `use` reads the result before the worktree is removed. */
export async function withSynthesizedCommit<T>(root: string, commit: string, env: Readonly<Record<string, string | undefined>>, use: (outdir: string) => Promise<T>): Promise<T> {
  const scratch = join(root, OUT, `base-${process.pid}`);
  const checkout = join(scratch, 'checkout');
  try {
    rmSync(scratch, { recursive: true, force: true });
    await run('git', ['worktree', 'add', '--detach', '--quiet', checkout, commit], { cwd: root });
    if (!existsSync(join(checkout, 'main.ts'))) throw new UsageError(`Expected ${commit.slice(0, 12)} to hold the cdktf app (main.ts), but it does not.`);
    await installDependencies(root, checkout);
    mkdirSync(join(root, '.build', 'sharp-layer'), { recursive: true });
    mkdirSync(join(checkout, '.build'), { recursive: true });
    symlinkSync(join(root, '.build', 'sharp-layer'), join(checkout, '.build', 'sharp-layer'), 'dir');
    return await use(await synthesizeCheckout(checkout, join(OUT, 'base'), env, `the base ${commit.slice(0, 12)}`));
  } finally {
    await run('git', ['worktree', 'remove', '--force', checkout], { cwd: root }).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
    await run('git', ['worktree', 'prune'], { cwd: root }).catch(() => undefined);
  }
}
