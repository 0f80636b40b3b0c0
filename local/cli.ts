/**
 * The `npm start` command line: arguments (node:util parseArgs), help, and the exit status rule —
 * 0 when every input reached a terminal state (SUCCEEDED or FAILED), 1 when the system itself
 * failed, 2 for arguments that cannot be used.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { format, parseArgs } from 'node:util';
import { PIPELINE_DEFINITION as definition } from '../asl/definition';
import { checkFaultStates, describeFault, FAULTS_ENV, FaultSpecError, parseFault, parseFaultList, type FaultSpec } from './faults';
import { collectInputFiles } from './inputs';
import { runLocalPipeline } from './pipeline';
import { createProgress } from './progress';
import { taskStateNames } from './state-machine';
import { formatSummary } from './report';
import { LocalSystemError } from './local-system-error';

export const SAMPLES_DIR = join(__dirname, '..', 'samples');

export const HELP = `Usage: npm start -- [<file-or-folder>...] [options]

Runs the whole image pipeline on this machine: S3, SQS and SNS (fauxqs) and DynamoDB (dynalite)
in-process, the real state machine definition run by aws-local-stepfunctions, each step's Lambda
handler invoked in-process. Each input is uploaded to the raw bucket, its S3 event delivered to
start-workflow, and its job read back from the emulated table, bucket and topics.

With no inputs, processes the bundled samples (samples/). Folders are read recursively.

Writes, under --out:
  <input-name>/<output>   the outputs, e.g. thumb.webp, medium-grayscale.webp
  report.json             per input: status, error code and sentence, outputs, time in each state

Options:
  --out <dir>            where to write (default: ./out)
  --preset <file.json>   a preset (default: the built-in preset, see docs/presets.md)
  --concurrency <n>      executions running at once (default: number of cores, here ${availableParallelism()})
  --fail <State>=<Error>[:<n>|*][:after]
                         make a Task state fail its first n attempts (default 1; * = all) in every
                         execution with that error, e.g. --fail ResizeImage=TRANSIENT:2 (retried,
                         then succeeds) or --fail OptimizeImage=INTERNAL (caught: NotifyError).
                         ":after" runs the handler first. Repeatable; also read from the
                         ${FAULTS_ENV} environment variable (comma-separated).
  --verbose              print the functions' log lines as they run (otherwise kept in a log file)
  -h, --help             show this help

Exit status: 0 when every input reached SUCCEEDED or FAILED (a rejected image is a result, not an
error); 1 when the system itself failed, with a message saying what and why; 2 for bad arguments.
See docs/local.md.`;

/** Relative to the working directory when inside it, absolute otherwise. */
function displayPath(path: string): string {
  const relativePath = relative(process.cwd(), path);
  if (relativePath === '') return '.';
  return relativePath.startsWith('..') || isAbsolute(relativePath) ? path : relativePath;
}

export interface CliArguments {
  readonly inputs: string[];
  readonly usedSamples: boolean;
  readonly outDir: string;
  readonly preset?: string;
  readonly concurrency?: number;
  readonly faults: FaultSpec[];
  readonly verbose: boolean;
  readonly help: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseCliArguments(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): CliArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        preset: { type: 'string' },
        concurrency: { type: 'string' },
        fail: { type: 'string', multiple: true },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!/^\d+$/.test(values.concurrency) || concurrency < 1) {
      throw new UsageError(`Expected --concurrency to be a whole number of at least 1, but received "${values.concurrency}".`);
    }
  }
  let faults: FaultSpec[];
  try {
    faults = [...parseFaultList(env[FAULTS_ENV]), ...(values.fail ?? []).map(parseFault)];
    checkFaultStates(faults, taskStateNames(definition));
  } catch (error) {
    if (error instanceof FaultSpecError) throw new UsageError(error.message);
    throw error;
  }
  return {
    inputs: positionals.length > 0 ? positionals : [displayPath(SAMPLES_DIR)],
    usedSamples: positionals.length === 0,
    outDir: values.out ?? 'out',
    ...(values.preset === undefined ? {} : { preset: values.preset }),
    ...(concurrency === undefined ? {} : { concurrency }),
    faults,
    verbose: values.verbose ?? false,
    help: values.help ?? false,
  };
}

/**
 * Sends the functions' console output to a file (or to stderr with --verbose) while the system
 * runs, so it does not tear through the progress bar; Lambda would send it to CloudWatch Logs.
 */
function captureConsole(verbose: boolean): { logFile?: string; restore: () => void } {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const original = Object.fromEntries(methods.map((method) => [method, console[method]])) as Record<(typeof methods)[number], (...args: unknown[]) => void>;
  const logFile = verbose ? undefined : join(tmpdir(), `image-processor-local-${process.pid}.log`);
  let wrote = false;
  for (const method of methods) {
    console[method] = (...args: unknown[]) => {
      const line = `${format(...args)}\n`;
      if (logFile) {
        appendFileSync(logFile, line);
        wrote = true;
      } else {
        process.stderr.write(`\r\x1b[2K${line}`);
      }
    };
  }
  return {
    get logFile() {
      return wrote ? logFile : undefined;
    },
    restore: () => Object.assign(console, original),
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: CliArguments;
  try {
    args = parseCliArguments(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\nRun npm start -- --help for the options.\n`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (args.usedSamples && (!existsSync(SAMPLES_DIR) || (await collectInputFiles([SAMPLES_DIR])).length === 0)) {
    process.stderr.write(
      `local: the system failed — the bundled samples folder ${displayPath(SAMPLES_DIR)} is ${existsSync(SAMPLES_DIR) ? 'empty' : 'missing'}; give inputs instead (npm start -- <file-or-folder>...).\n`,
    );
    return 1;
  }
  const progress = createProgress(process.stderr);
  const logs = captureConsole(args.verbose);
  let result;
  try {
    result = await runLocalPipeline({
      inputs: args.inputs,
      outDir: args.outDir,
      faults: args.faults,
      ...(args.preset === undefined ? {} : { preset: args.preset }),
      ...(args.concurrency === undefined ? {} : { concurrency: args.concurrency }),
      onStart: (count) => progress.start(count),
      onJobDone: (job) => progress.done(job),
    });
  } catch (error) {
    progress.finish();
    logs.restore();
    const what = error instanceof LocalSystemError ? error.message : `unexpected failure: ${(error as Error)?.stack ?? String(error)}`;
    process.stderr.write(`local: the system failed — ${what}\n`);
    if (logs.logFile) process.stderr.write(`Function logs: ${logs.logFile}\n`);
    return 1;
  }
  progress.finish();
  logs.restore();
  if (result.report.jobs.length === 0) process.stdout.write(`No files found under ${args.inputs.join(', ')}.\n`);
  const outDir = displayPath(result.outDir);
  const reportPath = displayPath(result.reportPath);
  if (args.faults.length > 0) {
    process.stdout.write(`Injected faults: ${args.faults.map(describeFault).join(', ')}\n`);
  }
  process.stdout.write(`${formatSummary(result.report, outDir, reportPath)}\n`);
  if (logs.logFile) process.stdout.write(`Function logs: ${logs.logFile}\n`);
  if (result.problems.length > 0) {
    process.stderr.write(`\nlocal: the system failed (${result.problems.length} problem(s)); every other input above reached its result:\n`);
    for (const problem of result.problems) process.stderr.write(`  - ${problem}\n`);
    return 1;
  }
  return 0;
}
