/**
 * `npm run process -- <file-or-folder>... --out <dir> [--preset <file.json>]`
 * Runs validate → resize → filters → optimize in-process on each input (no workflow, no
 * emulators), for tuning a preset on one's own photos. Exit 0 when every input got a verdict.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isCodedError } from '../handlers/core/errors';
import { tooLargeError, type Limits } from '../handlers/core/limits';
import { DEFAULT_PRESET, parsePreset, type Preset } from '../handlers/core/preset';
import { processImage } from '../handlers/core/process';
import { readRuntimeSettings } from '../handlers/runtime/env';
import { limitsFrom } from '../handlers/runtime/image-settings';
import { collectInputFiles, outputFolders, type InputFile } from './inputs';
import { loadPresetJson } from './preset-file';
import { buildReport, formatSummary, writeReport, type ReportJob } from './report';

const HELP = `Usage: npm run process -- <file-or-folder>... --out <dir> [--preset <file.json>]

Processes each image in-process with the same core the workflow uses (validate, resize,
filters, optimize) and writes, under <dir>:
  <input-name>/<output>   the outputs, e.g. thumb.webp, medium-grayscale.webp
  report.json             one entry per input: status, error code and sentence, outputs, step times

Options:
  --out <dir>         where to write (required)
  --preset <file>     a preset JSON file (default: the built-in preset, see docs/presets.md)
  -h, --help          show this help

Limits come from MAX_INPUT_BYTES, MAX_INPUT_PIXELS and MAX_INPUT_FRAMES, as in the deployed
functions (defaults: 50 MiB, 100 megapixels, 1000 frames).

Exit status: 0 when every input got a verdict (SUCCEEDED or FAILED); 1 when the command
itself could not run (bad arguments, unreadable preset, output folder not writable).`;

async function loadPreset(path: string | undefined): Promise<Preset> {
  return path ? parsePreset(await loadPresetJson(path)) : DEFAULT_PRESET;
}

/** Every input gets a verdict: image errors keep their code, anything else is INTERNAL with its reason. */
async function processOne(file: InputFile, folder: string, outDir: string, preset: Preset, limits: Limits): Promise<ReportJob> {
  try {
    // Checked from the file's size so an oversized input is never read into memory.
    if (file.bytes > limits.maxBytes) throw tooLargeError(limits.maxBytes, file.bytes);
    const { outputs, steps } = await processImage(await readFile(file.absolute), { preset, limits });
    await mkdir(join(outDir, folder), { recursive: true });
    const written = await Promise.all(
      outputs.map(async (output) => {
        const path = join(folder, output.name);
        await writeFile(join(outDir, path), output.data);
        const { name, filter, format, width, height } = output;
        return { name, filter, format, width, height, bytes: output.data.length, path };
      }),
    );
    return { input: file.input, status: 'SUCCEEDED', outputs: written, states: steps };
  } catch (error) {
    const { code, message } = isCodedError(error)
      ? error
      : { code: 'INTERNAL', message: `Processing failed unexpectedly: ${error instanceof Error ? error.message : String(error)}` };
    return { input: file.input, status: 'FAILED', error: { code, message }, outputs: [], states: [] };
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' }, preset: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0 || !values.out) {
    console.error(`Expected at least one input and --out <dir>.\n\n${HELP}`);
    return 1;
  }
  const started = performance.now();
  const preset = await loadPreset(values.preset);
  const limits = limitsFrom(readRuntimeSettings(['maxInputBytes', 'maxInputPixels', 'maxInputFrames']));
  const files = await collectInputFiles(positionals, { exclude: [values.out] });
  const folders = outputFolders(files.map((file) => file.input));
  await mkdir(values.out, { recursive: true });
  const jobs: ReportJob[] = [];
  for (const [index, file] of files.entries()) {
    const job = await processOne(file, folders[index] ?? 'image', values.out, preset, limits);
    console.log(`${job.status === 'SUCCEEDED' ? 'ok    ' : 'FAILED'} ${file.input}${job.error ? ` (${job.error.code})` : ''}`);
    jobs.push(job);
  }
  const report = buildReport(jobs, performance.now() - started);
  const reportPath = await writeReport(values.out, report);
  console.log(formatSummary(report, values.out, reportPath));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`process: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
