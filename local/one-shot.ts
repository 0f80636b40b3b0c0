/**
 * `npm run process`'s work: each input through the in-process core (validate, resize, filters,
 * optimize), admitted like npm start's inputs — in order, when a concurrency slot is free and its
 * decoded size fits the memory budget — with the outputs staged and published into --out at the
 * end (output/). On Ctrl-C (`signal`) nothing more is admitted and jobs still running get
 * {@link GRACE_MS} to finish; the report then lists what got no verdict.
 */
import { isCodedError } from '../handlers/core/errors';
import { tooLargeError, type Limits } from '../handlers/core/limits';
import type { Preset } from '../handlers/core/preset';
import { processImage } from '../handlers/core/process';
import type { JobError } from '../handlers/workflow/events';
import { GRACE_MS } from './batch';
import { readInput } from './input-file';
import { assignFolders, type InputFile } from './inputs';
import { createAdmission, defaultMemoryBudget } from '../handlers/runtime/admission';
import { admissionWeight } from './memory-budget';
import type { OutputStage } from './output/stage';
import { buildReport, type Report, type ReportJob } from './report';
import { stopAt } from './stop-at';

export interface OneShotOptions {
  readonly stage: OutputStage;
  readonly preset: Preset;
  readonly limits: Limits;
  /** Images processed at once. */
  readonly concurrency: number;
  /** @default half the machine's memory */
  readonly memoryBudgetBytes?: number;
  readonly signal?: AbortSignal;
  readonly onJobDone?: (job: ReportJob) => void;
}

const failed = (input: string, error: JobError): ReportJob => ({ input, status: 'FAILED', error, outputs: [], states: [] });

function verdictOf(input: string, error: unknown): ReportJob {
  return failed(
    input,
    isCodedError(error)
      ? { code: error.code, message: error.message }
      : { code: 'INTERNAL', message: `Processing failed unexpectedly: ${error instanceof Error ? error.message : String(error)}` },
  );
}

/** Every input gets a verdict: image errors keep their code, anything else is INTERNAL with its reason. */
async function processOne(file: InputFile, bytes: Buffer, folder: string, options: OneShotOptions): Promise<ReportJob> {
  try {
    const { outputs, steps } = await processImage(bytes, { preset: options.preset, limits: options.limits });
    const written = await Promise.all(
      outputs.map(async (output) => {
        const path = await options.stage.write(folder, output.name, output.data);
        const { name, filter, format, width, height } = output;
        return { name, filter, format, width, height, bytes: output.data.length, path };
      }),
    );
    return { input: file.input, status: 'SUCCEEDED', outputs: written, states: steps.map((step) => ({ ...step, attempts: 1 })) };
  } catch (error) {
    return verdictOf(file.input, error);
  }
}

export async function runOneShot(files: readonly InputFile[], options: OneShotOptions): Promise<{ report: Report; reportPath: string }> {
  const started = performance.now();
  const { signal, limits } = options;
  const folders = assignFolders(
    files.map((file) => file.input),
    options.stage.taken,
  );
  const memory = createAdmission(options.memoryBudgetBytes ?? defaultMemoryBudget());
  const slots = createAdmission(options.concurrency);
  const jobs: (ReportJob | undefined)[] = files.map(() => undefined);
  const done = (index: number, job: ReportJob) => {
    jobs[index] = job;
    options.onJobDone?.(job);
    stopAt('processing');
  };
  const running: Promise<void>[] = [];
  for (const [index, file] of files.entries()) {
    if (file.rejected) {
      done(index, failed(file.input, file.rejected));
      continue;
    }
    const releaseSlot = await slots.admit(1, signal);
    if (!releaseSlot) continue;
    let admitted: { bytes: Buffer; weight: number; verdict?: JobError };
    try {
      // Checked from the file's size so an oversized input is never read into memory.
      if (file.bytes > limits.maxBytes) throw tooLargeError(limits.maxBytes, file.bytes);
      const bytes = await readInput(file.input, file);
      admitted = { bytes, ...(await admissionWeight(bytes, limits, memory.capacity)) };
    } catch (error) {
      releaseSlot();
      done(index, verdictOf(file.input, error));
      continue;
    }
    const releaseMemory = admitted.verdict ? undefined : await memory.admit(admitted.weight, signal);
    if (!releaseMemory) {
      releaseSlot();
      if (admitted.verdict) done(index, failed(file.input, admitted.verdict));
      continue;
    }
    running.push(
      processOne(file, admitted.bytes, folders[index]!, options)
        .then((job) => done(index, job))
        .finally(() => {
          releaseMemory();
          releaseSlot();
        }),
    );
  }
  // Interrupted: what has not finished within the grace period is abandoned (sharp cannot be stopped).
  const graceOver = new Promise<void>((wake) => {
    const start = () => void setTimeout(wake, GRACE_MS).unref();
    if (signal?.aborted) start();
    else signal?.addEventListener('abort', start, { once: true });
  });
  await Promise.race([Promise.all(running), graceOver]);
  const finished = jobs.filter((job): job is ReportJob => job !== undefined);
  const unfinished = files.filter((_, index) => jobs[index] === undefined).map((file) => file.input);
  return options.stage.publish(buildReport(finished, performance.now() - started, signal?.aborted ? unfinished : undefined));
}
