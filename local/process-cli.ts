/**
 * `npm run process -- <file-or-folder>... --out <dir> [options]`
 * Runs validate → resize → filters → optimize in-process on each input (no workflow, no
 * emulators), for tuning a preset on one's own photos (one-shot.ts). Exit status as in
 * exit-codes.ts: 0 when every input got a verdict, 1 system, 2 the user's mistake, 3 --strict, 130.
 */
import { availableParallelism } from 'node:os';
import { isCodedError } from '../handlers/core/errors';
import { DEFAULT_PRESET, parsePreset, type Preset } from '../handlers/core/preset';
import { readRuntimeSettings } from '../handlers/runtime/env';
import { limitsFrom } from '../handlers/runtime/image-settings';
import { commonValues, COMMON_OPTIONS, parseCommandLine } from './cli-options';
import { EXIT_SYSTEM_FAILED, EXIT_USER_MISTAKE, exitCodeFor } from './exit-codes';
import { collectInputFiles } from './inputs';
import { trapInterrupt } from './interrupt';
import { runOneShot } from './one-shot';
import { OutputStage } from './output/stage';
import { loadPresetJson } from './preset-file';
import { printable } from './printable';
import { formatSummary } from './report';
import { checkStopAt } from './stop-at';
import { displayPath, userDirectory, userPath } from './user-directory';
import { UserError } from './user-error';

const HELP = `Usage: npm run process -- <file-or-folder>... --out <dir> [options]

Processes each image in-process with the same core the workflow uses (validate, resize,
filters, optimize) and writes, under <dir> (published when the run ends; files this command did
not write are never touched):
  <input-name>/<output>         the outputs, e.g. thumb.webp, medium-grayscale.webp
  report.json                   one entry per input: status, error code and sentence, outputs, step times
  .image-processor-files.json   what the run wrote (sizes, SHA-256), so the next run replaces only that

Relative paths are taken from the directory you typed the command in.

Options:
  --out <dir>            where to write (required)
  --preset <file>        a preset JSON file (default: the built-in preset, see docs/presets.md)
  --concurrency <n>      images processed at once (default: number of cores, here ${availableParallelism()})
  --memory-budget <MiB>  decoded image data admitted at once (default: half the machine's memory)
  --strict               exit 3 when any input's verdict is FAILED (for CI)
  -h, --help             show this help

Limits come from MAX_INPUT_BYTES, MAX_INPUT_PIXELS and MAX_INPUT_FRAMES, as in the deployed
functions and npm start (defaults: 50 MiB, 100 megapixels, 1000 frames).

Exit status: 0 when every input got a verdict (SUCCEEDED or FAILED); 1 when the command itself
failed; 2 when an argument, the preset, a limit, an input or --out is wrong; 3 with --strict when a
verdict is FAILED; 130 when interrupted (Ctrl-C: a partial report marked "interrupted" is written).`;

const say = (line: string) => void process.stderr.write(`${line}\n`);

async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, COMMON_OPTIONS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length === 0 || values.out === undefined) throw new UserError('Expected at least one input and --out <dir>. Run npm run process -- --help for the options.');
  const { concurrency, memoryBudgetBytes } = commonValues(values);
  checkStopAt();
  const base = userDirectory();
  const preset: Preset = values.preset === undefined ? DEFAULT_PRESET : parsePreset(await loadPresetJson(userPath(values.preset, base)));
  let limits;
  try {
    limits = limitsFrom(readRuntimeSettings(['maxInputBytes', 'maxInputPixels', 'maxInputFrames']));
  } catch (error) {
    if (isCodedError(error)) throw new UserError(error.message);
    throw error;
  }
  const files = await collectInputFiles(positionals, { exclude: [userPath(values.out, base)], base });
  const stage = await OutputStage.open(values.out, { base });
  for (const note of stage.notes) say(note);
  const interrupt = trapInterrupt(say);
  try {
    const { report, reportPath } = await runOneShot(files, {
      stage,
      preset,
      limits,
      concurrency: concurrency ?? availableParallelism(),
      signal: interrupt.signal,
      ...(memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes }),
      onJobDone: (job) => process.stdout.write(`${job.status === 'SUCCEEDED' ? 'ok    ' : 'FAILED'} ${printable(job.input)}${job.error ? ` (${job.error.code})` : ''}\n`),
    });
    process.stdout.write(`${formatSummary(report, displayPath(stage.outDir, base), displayPath(reportPath, base))}\n`);
    if (report.interrupted) say(`Interrupted: ${report.unfinished?.length ?? 0} input(s) got no verdict; the partial report is marked "interrupted".`);
    return exitCodeFor({ report, problems: [] }, values.strict ?? false);
  } catch (error) {
    await stage.discard();
    throw error;
  } finally {
    interrupt.release();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UserError) {
      say(error.message);
      process.exit(EXIT_USER_MISTAKE);
    }
    say(`process: the command failed — ${error instanceof Error ? error.message : String(error)}`);
    process.exit(EXIT_SYSTEM_FAILED);
  },
);
