/**
 * The `npm start` command line: arguments (node:util parseArgs), help, and the exit status
 * (exit-codes.ts): 0 when every input got a verdict, 1 when the system failed, 2 for the user's
 * mistakes, 3 with --strict when a verdict is FAILED, 130 when interrupted.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { PIPELINE_DEFINITION as definition } from '../asl/definition';
import { EXIT_SYSTEM_FAILED, EXIT_USER_MISTAKE, exitCodeFor } from './exit-codes';
import { checkFaultStates, describeFault, FAULTS_ENV, FaultSpecError, parseFault, parseFaultList, type FaultSpec } from './faults';
import { collectInputFiles } from './inputs';
import { trapInterrupt } from './interrupt';
import { LocalSystemError } from './local-system-error';
import { MiB } from '../handlers/runtime/admission';
import { runLocalPipeline, type LocalPipelineOptions } from './pipeline';
import { defaultFunctionLogFile } from './system-options';
import { printable } from './printable';
import { createProgress } from './progress';
import { formatSummary } from './report';
import { taskStateNames } from './state-machine';
import { commonValues, COMMON_OPTIONS, parseCommandLine } from './cli-options';
import { parsePolicyOption } from './iam/policy-option';
import { formatPolicyUsage } from './iam/usage';
import { checkStopAt } from './stop-at';
import { displayPath, userDirectory } from './user-directory';
import { UserError } from './user-error';

export const SAMPLES_DIR = join(__dirname, '..', 'samples');

export const HELP = `Usage: npm start -- [<file-or-folder>...] [options]

Runs the whole image pipeline on this machine: S3, SQS and SNS (fauxqs) and DynamoDB (dynalite)
in-process, the real state machine definition run by aws-local-stepfunctions, each step's Lambda
handler invoked in-process. Each input is uploaded to the raw bucket, its S3 event delivered to
start-workflow, and its job read back from the emulated table, bucket and topics.

With no inputs, processes the bundled samples (samples/). Folders are read recursively. Relative
paths are taken from the directory you typed the command in.

Writes, under --out (published when the run ends; files this command did not write are never
touched):
  <input-name>/<output>         the outputs, e.g. thumb.webp, medium-grayscale.webp
  report.json                   per input: status, error code and sentence, outputs, time and
                                attempts in each state
  .image-processor-files.json   what the run wrote (sizes, SHA-256), so the next run replaces
                                only that

Options:
  --out <dir>            where to write (default: ./out)
  --preset <file.json>   a preset (default: the built-in preset, see docs/presets.md)
  --concurrency <n>      executions running at once (default: number of cores, here ${availableParallelism()})
  --memory-budget <MiB>  decoded image data admitted at once (default: half the machine's memory)
  --fail <State>=<Error>[:<n>|*][:after]
                         make a Task state fail its first n attempts (default 1; * = all) in every
                         execution with that error, e.g. --fail ResizeImage=TRANSIENT:2 (retried,
                         then succeeds) or --fail OptimizeImage=INTERNAL (caught: NotifyError).
                         ":after" runs the handler first. Repeatable; also read from the
                         ${FAULTS_ENV} environment variable (comma-separated).
  --policy <function>=<policy.json>
                         run with that function's role policy replaced (repeatable), e.g.
                         --policy validate=tight.json; every SDK call of every function is held to
                         its policy (the synthesized one otherwise), and each denied call is listed
                         in the summary and under "denied" in report.json. Terraform references
                         (\${aws_s3_bucket.storage_raw_bucket.arn}, as in cdktf.out) are allowed
  --policy-report        print, per function, the distinct action-resource pairs it used and the
                         grants no call needed (candidates for removal)
  --strict               exit 3 when any input's verdict is FAILED (for CI)
  --verbose              print each attempt of each state with its error, and the functions' JSON
                         log lines as they run, readable on a terminal (otherwise kept in a file)
  -h, --help             show this help

Limits: MAX_INPUT_BYTES, MAX_INPUT_PIXELS and MAX_INPUT_FRAMES, as for npm run process (they win
over the stack settings IMAGE_PROCESSOR_[LOCAL_]MAX_INPUT_*).

Exit status: 0 when every input got a verdict (a rejected image is a result, not an error); 1 when
the system itself failed, with a message saying what and why; 2 when an argument, the preset, a
setting, an input or --out is wrong; 3 with --strict when a verdict is FAILED; 130 when interrupted
(Ctrl-C: a partial report marked "interrupted" is written). See docs/local.md.`;

export interface CliArguments {
  readonly inputs: string[];
  readonly usedSamples: boolean;
  readonly outDir: string;
  readonly preset?: string;
  readonly concurrency?: number;
  readonly memoryBudgetBytes?: number;
  readonly faults: FaultSpec[];
  /** Function → policy file. */
  readonly policies: Record<string, string>;
  readonly policyReport: boolean;
  readonly strict: boolean;
  readonly verbose: boolean;
  readonly help: boolean;
}

/** @throws UserError */
export function parseCliArguments(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): CliArguments {
  const { values, positionals } = parseCommandLine(argv, {
    ...COMMON_OPTIONS,
    fail: { type: 'string', multiple: true },
    policy: { type: 'string', multiple: true },
    'policy-report': { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
  const policies: Record<string, string> = {};
  for (const [name, file] of (values.policy ?? []).map(parsePolicyOption)) {
    if (policies[name] !== undefined) throw new UserError(`Expected one --policy per function, but ${name} has two: ${policies[name]} and ${file}.`);
    policies[name] = file;
  }
  let faults: FaultSpec[];
  try {
    faults = [...parseFaultList(env[FAULTS_ENV]), ...(values.fail ?? []).map(parseFault)];
    checkFaultStates(faults, taskStateNames(definition));
  } catch (error) {
    if (error instanceof FaultSpecError) throw new UserError(error.message);
    throw error;
  }
  checkStopAt(env);
  return {
    inputs: positionals.length > 0 ? positionals : [displayPath(SAMPLES_DIR, userDirectory(env))],
    usedSamples: positionals.length === 0,
    outDir: values.out ?? 'out',
    ...(values.preset === undefined ? {} : { preset: values.preset }),
    ...commonValues(values),
    faults,
    policies,
    policyReport: values['policy-report'] ?? false,
    strict: values.strict ?? false,
    verbose: values.verbose ?? false,
    help: values.help ?? false,
  };
}

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: CliArguments;
  try {
    args = parseCliArguments(argv);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    say(`${error.message}\n\nRun npm start -- --help for the options.`);
    return EXIT_USER_MISTAKE;
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (args.usedSamples && (!existsSync(SAMPLES_DIR) || (await collectInputFiles([SAMPLES_DIR])).length === 0)) {
    say(`local: the system failed — the bundled samples folder ${displayPath(SAMPLES_DIR)} is ${existsSync(SAMPLES_DIR) ? 'empty' : 'missing'}; give inputs instead (npm start -- <file-or-folder>...).`);
    return EXIT_SYSTEM_FAILED;
  }
  const base = userDirectory();
  const progress = createProgress(process.stderr);
  const interrupt = trapInterrupt(say);
  const logFile = defaultFunctionLogFile();
  const options: LocalPipelineOptions = {
    inputs: args.inputs,
    outDir: args.outDir,
    base,
    faults: args.faults,
    signal: interrupt.signal,
    // Lambda would send the lines to CloudWatch Logs; here they would tear through the progress bar.
    functionLog: args.verbose ? { terminal: process.stderr } : { file: logFile },
    ...(Object.keys(args.policies).length > 0 ? { policies: args.policies } : {}),
    ...(args.policyReport ? { policyReport: true } : {}),
    ...(args.preset === undefined ? {} : { preset: args.preset }),
    ...(args.concurrency === undefined ? {} : { concurrency: args.concurrency }),
    ...(args.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: args.memoryBudgetBytes }),
    onStart: (count) => progress.start(count),
    onJobDone: (job) => progress.done(job),
    ...(args.verbose
      ? {
          onAttempt: ({ input, state, attempt, ms, error }) =>
            say(`${printable(input)}: ${state} attempt ${attempt} ${error ? `failed: ${error.name} — ${printable(error.message)}` : `succeeded in ${Math.round(ms)} ms`}`),
        }
      : {}),
  };
  let result;
  try {
    result = await runLocalPipeline(options);
  } catch (error) {
    progress.finish();
    interrupt.release();
    if (error instanceof UserError) {
      say(error.message);
      return EXIT_USER_MISTAKE;
    }
    const what = error instanceof LocalSystemError ? error.message : `unexpected failure: ${(error as Error)?.stack ?? String(error)}`;
    say(`local: the system failed — ${what}`);
    if (!args.verbose && existsSync(logFile)) say(`Function logs: ${logFile}`);
    return EXIT_SYSTEM_FAILED;
  }
  progress.finish();
  interrupt.release();
  for (const note of result.notes) say(note);
  if (result.report.jobs.length === 0 && result.unfinished.length === 0) process.stdout.write(`No files found under ${args.inputs.map(printable).join(', ')}.\n`);
  if (args.faults.length > 0) process.stdout.write(`Injected faults: ${args.faults.map(describeFault).join(', ')}\n`);
  if (args.memoryBudgetBytes !== undefined) process.stdout.write(`Memory budget: ${Math.floor(args.memoryBudgetBytes / MiB)} MiB\n`);
  process.stdout.write(`${formatSummary(result.report, displayPath(result.outDir, base), displayPath(result.reportPath, base))}\n`);
  if (!args.verbose && existsSync(logFile)) process.stdout.write(`Function logs: ${logFile}\n`);
  if (result.policyUsage) process.stdout.write(`${formatPolicyUsage(result.policyUsage)}\n`);
  if (result.report.interrupted) say(`Interrupted: ${result.unfinished.length} input(s) got no verdict; the partial report is marked "interrupted".`);
  if (result.problems.length > 0) {
    say(`\nlocal: the system failed (${result.problems.length} problem(s)); every other input above reached its result:`);
    for (const problem of result.problems) say(`  - ${printable(problem)}`);
  }
  return exitCodeFor(result, args.strict);
}
