/**
 * The commands the bench times, each as a whole process: the one-pass reference (bundled once per
 * bench run, so it starts as plain Node, as the runners do), `npm run process` and `npm start`
 * exactly as people type them, and the runner without npm in front.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPOSITORY_ROOT } from '../stacks/packaging/artifacts';
import type { Measurement } from './measure';
import { timeProcess } from './process-time';

const REFERENCE_BUNDLE = join(REPOSITORY_ROOT, '.build', 'bench', 'reference.js');
const NODE = join(REPOSITORY_ROOT, 'node_modules', 'node', 'bin', 'node');

export async function buildReference(): Promise<void> {
  await build({
    absWorkingDir: REPOSITORY_ROOT,
    entryPoints: ['bench/reference-cli.ts'],
    outfile: REFERENCE_BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
}

export function reference(files: readonly string[]): Promise<Measurement> {
  return timeProcess({ file: NODE, args: [REFERENCE_BUNDLE, ...files] });
}

/** `npm start -- <files> --out <fresh folder>` or `npm run process -- …`, from the repository. */
export async function npmCommand(command: 'start' | 'process', files: readonly string[]): Promise<Measurement> {
  const out = mkdtempSync(join(tmpdir(), `bench-${command}-`));
  try {
    const script = command === 'start' ? ['start'] : ['run', 'process'];
    return await timeProcess({ file: 'npm', args: ['--silent', ...script, '--', ...files, '--out', join(out, 'out')], cwd: REPOSITORY_ROOT });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** What `npm start` runs, without npm: `node local/run-bundled.cjs local/main.ts …`. */
export async function runnerAlone(files: readonly string[]): Promise<Measurement> {
  const out = mkdtempSync(join(tmpdir(), 'bench-runner-'));
  try {
    return await timeProcess({ file: NODE, args: [join(REPOSITORY_ROOT, 'local', 'run-bundled.cjs'), 'local/main.ts', ...files, '--out', join(out, 'out')], cwd: REPOSITORY_ROOT });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
