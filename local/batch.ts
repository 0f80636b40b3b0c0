/**
 * One batch through the local system (`LocalSystem.process`). Inputs are admitted in order, each
 * when one of 2 × concurrency slots is free (the Step Functions endpoint runs `concurrency`
 * executions, the rest wait their turn) and its decoded size (from the header) fits the memory budget;
 * an admitted input is uploaded, its S3 event delivered to start-workflow, and its execution
 * awaited. Then every outcome is read back from the emulated services and cross-checked
 * (outcomes.ts), with the outputs copied into the run's staging folder, and the run is published
 * into --out (output/). On Ctrl-C (`signal`) nothing more is admitted, executions still running
 * get {@link GRACE_MS} to finish and are then aborted, and the report lists what got no verdict.
 */
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { isCodedError } from '../handlers/core/errors';
import type { Limits } from '../handlers/core/limits';
import type { JobRecord } from '../handlers/workflow/job-record';
import { readRuntimeSettings } from '../handlers/runtime/env';
import { limitsFrom } from '../handlers/runtime/image-settings';
import type { JobError } from '../handlers/workflow/events';
import { openInput, readInput } from './input-file';
import { assignFolders, type InputFile } from './inputs';
import { createLimiter } from './limit';
import { createAdmission, defaultMemoryBudget } from '../handlers/runtime/admission';
import { admissionWeight } from './memory-budget';
import { describeError } from './describe-error';
import { collectOutcome, type JobTrace } from './outcomes';
import { OutputStage } from './output/stage';
import { buildReport, type Report, type ReportJob } from './report';
import { summariseStates } from './state-metrics';
import type { TaskAttempt } from './state-machine';
import type { ExecutionRecord } from './step-functions-server';
import { stopAt } from './stop-at';
import type { LocalSystem } from './system';

/** How long executions still running at Ctrl-C may take to finish before they are aborted. */
export const GRACE_MS = 3000;

export interface ProcessOptions {
  readonly outDir: string;
  /** The output stage, when the caller opened it already (to check --out before starting the system). */
  readonly stage?: OutputStage;
  /** Decoded bytes admitted at once. @default half the machine's memory (memory-budget.ts) */
  readonly memoryBudgetBytes?: number;
  /** Aborting it interrupts the batch (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Called as each input's job reaches its end (or fails to). */
  readonly onJobDone?: (job: { input: string; status: 'SUCCEEDED' | 'FAILED' | 'ERROR'; code?: string }) => void;
  /** Called as each attempt of a Task state ends. */
  readonly onAttempt?: (attempt: { input: string } & Pick<TaskAttempt, 'state' | 'attempt' | 'ms' | 'error'>) => void;
}

export interface LocalRunResult {
  readonly report: Report;
  readonly reportPath: string;
  readonly outDir: string;
  readonly jobs: readonly JobTrace[];
  /** System failures (not image verdicts), each a sentence; empty when the run is sound. */
  readonly problems: readonly string[];
  /** Inputs that got no verdict because the batch was interrupted. */
  readonly unfinished: readonly string[];
}

interface Executed {
  readonly file: InputFile;
  readonly folder: string;
  readonly source: { bucket: string; key: string };
  readonly execution: ExecutionRecord | undefined;
  readonly jobId: string | undefined;
  readonly record: JobRecord | undefined;
  readonly problems: string[];
}

type Outcome = { readonly executed: Executed } | { readonly job: JobTrace; readonly reportJob: ReportJob } | 'unfinished';

interface Prepared {
  readonly body: Buffer | Readable;
  readonly size: number;
  readonly weight: number;
  readonly verdict?: JobError;
  close(): Promise<void>;
}

/** The bytes to upload and what they weigh; a file over the byte limit is streamed, unread, since the pipeline rejects it by size. */
async function prepare(file: InputFile, limits: Limits, budget: number): Promise<Prepared> {
  if (file.bytes > limits.maxBytes) {
    const handle = await openInput(file.input, file);
    return { body: handle.createReadStream({ start: 0, end: file.bytes - 1 }), size: file.bytes, weight: 0, close: () => handle.close() };
  }
  const bytes = await readInput(file.input, file);
  return { body: bytes, size: bytes.length, ...(await admissionWeight(bytes, limits, budget)), close: async () => {} };
}

function localVerdict(file: InputFile, folder: string, error: JobError): { job: JobTrace; reportJob: ReportJob } {
  return {
    job: { input: file.input, folder, source: { bucket: '', key: '' }, notifications: [], timings: [], processedKeys: [], problems: [] },
    reportJob: { input: file.input, status: 'FAILED', error, outputs: [], states: [] },
  };
}

export async function runBatch(system: LocalSystem, files: readonly InputFile[], options: ProcessOptions): Promise<LocalRunResult> {
  const started = { at: performance.now(), metricsMark: system.functionLog.metricCount };
  const stage = options.stage ?? (await OutputStage.open(options.outDir));
  try {
    return await runStaged(system, files, options, stage, started);
  } catch (error) {
    await stage.discard();
    throw error;
  }
}

async function runStaged(
  system: LocalSystem,
  files: readonly InputFile[],
  options: ProcessOptions,
  stage: OutputStage,
  started: { readonly at: number; readonly metricsMark: number },
): Promise<LocalRunResult> {
  const { signal } = options;
  const run = system.nextRun();
  system.iam.clearDenied();
  const folders = assignFolders(
    files.map((file) => file.input),
    stage.taken,
  );
  const limits = limitsFrom(readRuntimeSettings(['maxInputBytes', 'maxInputPixels', 'maxInputFrames'], system.environment));
  const memory = createAdmission(options.memoryBudgetBytes ?? defaultMemoryBudget());
  // One input uploaded ahead of each running execution, so the next starts as soon as one ends.
  const slots = createAdmission(2 * system.concurrency);
  const abortLater = () => setTimeout(() => system.stepFunctions.abortExecutions(), GRACE_MS).unref();
  signal?.addEventListener('abort', abortLater, { once: true });
  const inputsByKey = new Map<string, string>();
  system.onAttempt = ({ input, state, attempt, ms, error }) => {
    const name = inputsByKey.get((input as { source?: { key?: string } })?.source?.key ?? '');
    if (name !== undefined) options.onAttempt?.({ input: name, state, attempt, ms, ...(error ? { error } : {}) });
  };

  /** Uploads and delivers the event; the bytes are let go once uploaded, while the execution runs. */
  const start = async (key: string, prepared: Prepared, problems: string[]): Promise<ExecutionRecord | undefined | 'unfinished'> => {
    const source = { bucket: system.resources.rawBucket, key };
    try {
      const created = await system.upload(key, prepared.body, prepared.size);
      stopAt('uploads');
      const result = await system.deliver([created]);
      const execution = system.executionFor(source);
      if (!execution) problems.push(`start-workflow returned ${JSON.stringify(result)} but started no execution for s3://${source.bucket}/${key}.`);
      return execution;
    } catch (error) {
      if (signal?.aborted) return 'unfinished';
      problems.push(`Could not start the workflow for s3://${source.bucket}/${key}: ${describeError(error)}`);
      return undefined;
    }
  };

  const finish = async (file: InputFile, folder: string, key: string, started: ExecutionRecord | undefined, problems: string[]): Promise<Outcome> => {
    const execution = started ? await started.settled : undefined;
    if (execution?.status === 'ABORTED') return 'unfinished';
    const jobId = execution ? (JSON.parse(execution.input) as { jobId?: string }).jobId : undefined;
    const record = jobId ? await system.readJob(jobId).catch(() => undefined) : undefined;
    const status = record?.status === 'SUCCEEDED' || record?.status === 'FAILED' ? record.status : 'ERROR';
    options.onJobDone?.({ input: file.input, status, ...(record?.error?.code ? { code: String(record.error.code) } : {}) });
    stopAt('processing');
    return { executed: { file, folder, source: { bucket: system.resources.rawBucket, key }, execution, jobId, record, problems } };
  };

  const outcomes: Outcome[] = [];
  const running: Promise<void>[] = [];
  for (const [index, file] of files.entries()) {
    const folder = folders[index]!;
    const verdict = (error: JobError) => {
      outcomes[index] = localVerdict(file, folder, error);
      options.onJobDone?.({ input: file.input, status: 'FAILED', code: error.code });
    };
    if (file.rejected) {
      verdict(file.rejected);
      continue;
    }
    const releaseSlot = await slots.admit(1, signal);
    if (!releaseSlot) {
      outcomes[index] = 'unfinished';
      continue;
    }
    let prepared: Prepared;
    try {
      prepared = await prepare(file, limits, memory.capacity);
    } catch (error) {
      releaseSlot();
      if (!isCodedError(error)) throw error;
      verdict({ code: error.code, message: error.message });
      continue;
    }
    const releaseMemory = prepared.verdict ? undefined : await memory.admit(prepared.weight, signal);
    if (!releaseMemory) {
      releaseSlot();
      await prepared.close();
      if (prepared.verdict) verdict(prepared.verdict);
      else outcomes[index] = 'unfinished';
      continue;
    }
    const key = `${system.resources.uploadsPrefix}${run}/${folder}/${basename(file.input)}`;
    inputsByKey.set(key, file.input);
    const problems: string[] = [];
    running.push(
      start(key, prepared, problems)
        .then((execution) => (execution === 'unfinished' ? execution : finish(file, folder, key, execution, problems)))
        .then((outcome) => void (outcomes[index] = outcome))
        .finally(() => {
          releaseMemory();
          releaseSlot();
        }),
    );
  }
  await Promise.all(running);
  signal?.removeEventListener('abort', abortLater);

  // Then read every outcome back from the emulated services and cross-check it.
  const notifications = await system.notifications();
  const copy = createLimiter(Math.max(4, system.concurrency));
  const reading = createLimiter(Math.max(4, system.concurrency));
  const unfinished = files.filter((_, index) => outcomes[index] === 'unfinished').map((file) => file.input);
  const finished = await Promise.all(
    outcomes
      .filter((outcome) => outcome !== 'unfinished')
      .map((outcome) => {
        if (!('executed' in outcome)) return outcome;
        const trace = outcome.executed;
        return reading(async () => {
          try {
            return await collectOutcome(system.outcomeSources(), trace, notifications, stage, copy);
          } catch (error) {
            const problem = `Could not read the outcome back from the emulated services: ${describeError(error)}`;
            return {
              job: { input: trace.file.input, folder: trace.folder, source: trace.source, notifications: [], timings: [], processedKeys: [], problems: [...trace.problems, problem] },
              reportJob: { input: trace.file.input, status: 'FAILED' as const, error: { code: 'INTERNAL', message: `The local system failed: ${problem}` }, outputs: [], states: [] },
            };
          }
        });
      }),
  );
  const jobs = finished.map((entry) => entry.job);
  const report = buildReport(
    finished.map((entry) => entry.reportJob),
    performance.now() - started.at,
    signal?.aborted ? unfinished : undefined,
    { states: summariseStates(system.functionLog.metricsSince(started.metricsMark)), denied: system.iam.denied() },
  );
  const published = await stage.publish(report);
  return { ...published, outDir: stage.outDir, jobs, unfinished, problems: jobs.flatMap((job) => job.problems.map((problem) => `${job.input}: ${problem}`)) };
}
