/**
 * `runLocalPipeline`: one call that checks what the user gave (preset, settings, inputs, --out),
 * starts the local system, processes the inputs through the real workflow, publishes the outputs
 * and report.json into `outDir`, and stops everything again. `npm start` is a thin command line
 * over it; tests and the benchmark call it directly.
 */
import { parseFault, type FaultSpec } from './faults';
import { collectInputFiles } from './inputs';
import { OutputStage } from './output/stage';
import { loadPolicyDocuments } from './iam/policy-option';
import { policyUsage, type FunctionUsage } from './iam/usage';
import { loadPresetJson } from './preset-file';
import { localResources } from './resources';
import { LocalSystem, type LocalRunResult, type ProcessOptions } from './system';
import type { LocalSystemOptions } from './system-options';
import { userPath } from './user-directory';

export interface LocalPipelineOptions {
  /** Files and folders (read recursively) to process. */
  readonly inputs: readonly string[];
  /** Where the outputs (one folder per input) and report.json go. */
  readonly outDir: string;
  /** The directory relative inputs, --out and the preset path resolve from. @default process.cwd() */
  readonly base?: string;
  /** A preset: a path to a JSON file, or the parsed JSON. @default the built-in preset */
  readonly preset?: string | Record<string, unknown>;
  /** Executions running at once. @default os.availableParallelism() */
  readonly concurrency?: number;
  /** Decoded bytes admitted at once (see memory-budget.ts). @default half the machine's memory */
  readonly memoryBudgetBytes?: number;
  /** Faults to inject, as `State=ERROR[:n|*][:after]` strings or parsed. */
  readonly faults?: readonly (string | FaultSpec)[];
  /** Wait before each retry in place of the definition's backoff. @default 10 */
  readonly retryIntervalMs?: number;
  /** More settings for the functions, e.g. `{ MAX_INPUT_BYTES: '1048576' }`. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Where the functions' log lines go. @default a file in the temp folder (system.ts) */
  readonly functionLog?: LocalSystemOptions['functionLog'];
  /** Also count what the run used of each function's policy (iam/usage.ts). @default false */
  readonly policyReport?: boolean;
  /** Function (entrypoint) → its role policy for this run, replacing the synthesized one: a path to a JSON file, or the parsed document. */
  readonly policies?: Readonly<Record<string, string | object>>;
  /** Aborting it interrupts the run (Ctrl-C): a partial report marked interrupted is published. */
  readonly signal?: AbortSignal;
  readonly onStart?: (inputs: number) => void;
  readonly onJobDone?: ProcessOptions['onJobDone'];
  readonly onAttempt?: ProcessOptions['onAttempt'];
}

export interface LocalPipelineResult extends LocalRunResult {
  /** What was settled of runs that died in the same --out before this one (one sentence each). */
  readonly notes: readonly string[];
  /** With `policyReport`: per function, the pairs it used and the grants it never used. */
  readonly policyUsage?: readonly FunctionUsage[];
}

/**
 * @throws UserError (exit 2) for a preset, setting, input or --out the user has to fix, before
 *   anything starts; LocalSystemError (exit 1) when the system cannot run.
 */
export async function runLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipelineResult> {
  const base = options.base ?? process.cwd();
  const faults = (options.faults ?? []).map((fault) => (typeof fault === 'string' ? parseFault(fault) : fault));
  const preset = options.preset === undefined ? undefined : await loadPresetJson(typeof options.preset === 'string' ? userPath(options.preset, base) : options.preset);
  const policies = options.policies ? await loadPolicyDocuments(options.policies, base) : undefined;
  localResources();
  const files = await collectInputFiles(options.inputs, { exclude: [userPath(options.outDir, base)], base });
  const stage = await OutputStage.open(options.outDir, { base });
  const systemOptions: LocalSystemOptions = {
    faults,
    ...(preset === undefined ? {} : { preset }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.functionLog ? { functionLog: options.functionLog } : {}),
    ...(policies ? { policies } : {}),
  };
  let system: LocalSystem;
  try {
    system = await LocalSystem.start(systemOptions);
  } catch (error) {
    await stage.discard();
    throw error;
  }
  try {
    options.onStart?.(files.length);
    const result = await system.process(files, {
      outDir: stage.outDir,
      stage,
      ...(options.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: options.memoryBudgetBytes }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onJobDone ? { onJobDone: options.onJobDone } : {}),
      ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
    });
    return { ...result, notes: stage.notes, ...(options.policyReport ? { policyUsage: policyUsage(system.iam, system.iam.model.place) } : {}) };
  } finally {
    await system.stop();
  }
}
