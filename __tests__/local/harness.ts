/**
 * Shared set-up for the end-to-end tests of the local system: one system per test file, inputs
 * written to a temporary folder, results looked up by input file name.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportJob } from '../../local/report';
import { collectInputFiles } from '../../local/inputs';
import type { JobTrace } from '../../local/outcomes';
import { LocalSystem, type LocalRunResult } from '../../local/system';
import type { LocalSystemOptions } from '../../local/system-options';

/** The seven outputs of the default preset. */
export const DEFAULT_OUTPUTS = ['large.jpg', 'large.webp', 'medium-grayscale.webp', 'medium.jpg', 'medium.webp', 'thumb.jpg', 'thumb.webp'];

export interface Harness {
  readonly system: LocalSystem;
  readonly root: string;
  /** Writes `files` into a new input folder, processes them, and indexes the results by file name. */
  run(files: Readonly<Record<string, Buffer>>): Promise<RunResult>;
  stop(): Promise<void>;
}

export interface RunResult extends LocalRunResult {
  job(name: string): { trace: JobTrace; report: ReportJob };
}

let batches = 0;

export async function startHarness(options: LocalSystemOptions = {}): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'local-e2e-'));
  const system = await LocalSystem.start({ concurrency: 4, retryIntervalMs: 0, ...options });
  return {
    system,
    root,
    async run(files) {
      batches += 1;
      const inputDir = join(root, `in-${batches}`);
      await mkdir(inputDir, { recursive: true });
      for (const [name, bytes] of Object.entries(files)) await writeFile(join(inputDir, name), bytes);
      const result = await system.process(await collectInputFiles([inputDir]), { outDir: join(root, `out-${batches}`) });
      return {
        ...result,
        job(name) {
          const index = result.jobs.findIndex((job) => job.input === join(inputDir, name));
          if (index < 0) throw new Error(`No job for ${name}; inputs were ${result.jobs.map((job) => job.input).join(', ')}`);
          return { trace: result.jobs[index]!, report: result.report.jobs[index]! };
        },
      };
    },
    async stop() {
      await system.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export const stateNames = (job: { states: readonly { name: string }[] }) => job.states.map((state) => state.name);
