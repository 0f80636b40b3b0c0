/**
 * `runLocalPipeline`: one call that starts the local system, processes the inputs through the real
 * workflow, writes the outputs and report.json into `outDir`, and stops everything again.
 * `npm start` is a thin command line over it; tests and the benchmark call it directly.
 */
import { resolve } from 'node:path';
import { parseFault, type FaultSpec } from './faults';
import { collectInputFiles, InputError } from './inputs';
import { LocalSystemError } from './local-system-error';
import { loadPresetJson } from './preset-file';
import { LocalSystem, type LocalRunResult, type LocalSystemOptions, type ProcessOptions } from './system';

export interface LocalPipelineOptions {
  /** Files and folders (read recursively) to process. */
  readonly inputs: readonly string[];
  /** Where the outputs (one folder per input) and report.json go. */
  readonly outDir: string;
  /** A preset: a path to a JSON file, or the parsed JSON. @default the built-in preset */
  readonly preset?: string | Record<string, unknown>;
  /** Executions running at once. @default os.availableParallelism() */
  readonly concurrency?: number;
  /** Faults to inject, as `State=ERROR[:n|*][:after]` strings or parsed. */
  readonly faults?: readonly (string | FaultSpec)[];
  /** Wait before each retry in place of the definition's backoff. @default 10 */
  readonly retryIntervalMs?: number;
  /** More settings for the functions, e.g. `{ MAX_INPUT_BYTES: '1048576' }`. */
  readonly environment?: Readonly<Record<string, string>>;
  readonly onStart?: (inputs: number) => void;
  readonly onJobDone?: ProcessOptions['onJobDone'];
}

export async function runLocalPipeline(options: LocalPipelineOptions): Promise<LocalRunResult> {
  const outDir = resolve(options.outDir);
  const faults = (options.faults ?? []).map((fault) => (typeof fault === 'string' ? parseFault(fault) : fault));
  const preset = options.preset === undefined ? undefined : await loadPresetJson(options.preset);
  let files;
  try {
    files = await collectInputFiles(options.inputs, { exclude: [outDir] });
  } catch (error) {
    if (error instanceof InputError) throw new LocalSystemError(error.message);
    throw error;
  }
  const systemOptions: LocalSystemOptions = {
    faults,
    ...(preset === undefined ? {} : { preset }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
    ...(options.environment ? { environment: options.environment } : {}),
  };
  const system = await LocalSystem.start(systemOptions);
  try {
    options.onStart?.(files.length);
    return await system.process(files, { outDir, ...(options.onJobDone ? { onJobDone: options.onJobDone } : {}) });
  } finally {
    await system.stop();
  }
}
