/**
 * The two local commands run as real processes, as a person runs them: `npm start` (local/main.ts)
 * and `npm run process` (local/process-cli.ts), each through Node with tsx, so the process a test
 * signals or kills is the runner itself.
 */
import { spawn, type ChildProcessByStdio, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';

export const ROOT = resolve(__dirname, '..', '..');
const NODE = resolve(ROOT, 'node_modules', '.bin', 'node');
const ENTRY = { start: 'local/main.ts', process: 'local/process-cli.ts' } as const;

export type Command = keyof typeof ENTRY;

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The child was killed because it outlived `timeoutMs`. */
  readonly timedOut: boolean;
}

export interface CliOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Kill the child (SIGKILL) after this long, so a hang fails the test instead of stalling it. @default 60000 */
  readonly timeoutMs?: number;
  /**
   * Run the child subject to file permissions: as root (where the tests usually run) they are
   * not, so the child runs without the capabilities that bypass them (CAP_DAC_OVERRIDE,
   * CAP_DAC_READ_SEARCH, dropped with util-linux's setpriv); still root, it reads the checkout.
   */
  readonly permissionsEnforced?: boolean;
}

const WITHOUT_PERMISSION_OVERRIDE = ['--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search', '--'];

type Child = ChildProcessByStdio<null, Readable, Readable>;

export interface RunningCli {
  readonly child: Child;
  readonly output: { stdout: string; stderr: string };
  readonly result: Promise<CliResult>;
}

function spawnWith(file: string, args: readonly string[], options: CliOptions): RunningCli {
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd ?? ROOT,
    // The given variables come first in the child's environment (as /proc/<pid>/environ lists it).
    env: { ...options.env, ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  };
  const dropCapabilities = options.permissionsEnforced === true && process.getuid?.() === 0;
  const child = (dropCapabilities ? spawn('setpriv', [...WITHOUT_PERMISSION_OVERRIDE, file, ...args], spawnOptions) : spawn(file, [...args], spawnOptions)) as Child;
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 60000);
  const result = new Promise<CliResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, ...output, timedOut });
    });
  });
  return { child, output, result };
}

/** Starts a TypeScript entry of the repository as `node --import tsx <entry> ...args` (the worker's, for one). */
export function spawnEntry(entry: string, args: readonly string[], options: CliOptions = {}): RunningCli {
  return spawnWith(NODE, ['--import', 'tsx', resolve(ROOT, entry), ...args], options);
}

/** Starts a command as `node --import tsx <entry> ...args`: the child is the runner itself. */
export function spawnCli(command: Command, args: readonly string[], options: CliOptions = {}): RunningCli {
  return spawnWith(NODE, ['--import', 'tsx', resolve(ROOT, ENTRY[command]), ...args], options);
}

export function runCli(command: Command, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(command, args, options).result;
}

/** The real npm script (`npm --prefix <repository> start|run process -- …`), typed in `options.cwd`. */
export function runNpmScript(command: Command, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const script = command === 'start' ? ['start'] : ['run', 'process'];
  return spawnWith('npm', ['--prefix', ROOT, '--silent', ...script, '--', ...args], options).result;
}

/** Resolves once `pid` is stopped (SIGSTOP), as /proc/<pid>/stat shows; rejects after `timeoutMs`. */
export async function waitUntilStopped(pid: number, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let state: string | undefined;
    try {
      state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').charAt(0);
    } catch {
      throw new Error(`Process ${pid} ended before it stopped.`);
    }
    if (state === 'T' || state === 't') return;
    await new Promise((wake) => setTimeout(wake, 50));
  }
  throw new Error(`Process ${pid} did not stop within ${timeoutMs} ms.`);
}
