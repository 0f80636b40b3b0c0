/**
 * Times a whole process from outside with GNU time (`/usr/bin/time`, installed with Debian's
 * `time` package): user + system seconds of the process and every child it waited for (npm, the
 * shell, Node, libvips' threads), and the wall time from start to exit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Measurement } from './measure';

export const GNU_TIME = '/usr/bin/time';

export interface Command {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** Exit codes that count as having done the work. @default [0] */
  readonly okCodes?: readonly number[];
}

export async function timeProcess(command: Command): Promise<Measurement> {
  const directory = mkdtempSync(join(tmpdir(), 'bench-time-'));
  const report = join(directory, 'time.txt');
  try {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(GNU_TIME, ['-f', '%U %S %e', '-o', report, command.file, ...command.args], {
        cwd: command.cwd ?? process.cwd(),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stderr }));
    });
    if (code === null || !(command.okCodes ?? [0]).includes(code)) {
      throw new Error(`Expected \`${[command.file, ...command.args].join(' ')}\` to succeed, but it exited ${code}: ${stderr.trim().slice(-2000)}`);
    }
    const [user, system, wall] = readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number];
    return { cpuMs: (user + system) * 1000, wallMs: wall * 1000 };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
