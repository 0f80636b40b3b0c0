/**
 * `npm run process -- <file-or-folder>... --out <dir> [--preset <file.json>]`
 * Runs validate → resize → filters → optimize in-process on each input (no workflow, no
 * emulators), for tuning a preset on one's own photos. Exit 0 when every input got a verdict.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isImageError } from '../handlers/core/errors';
import { DEFAULT_LIMITS } from '../handlers/core/limits';
import { DEFAULT_PRESET, parsePreset, type Preset } from '../handlers/core/preset';
import { processImage } from '../handlers/core/process';
import { collectInputs, outputFolders } from './inputs';
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

Exit status: 0 when every input got a verdict (SUCCEEDED or FAILED); 1 when the command
itself could not run (bad arguments, unreadable preset, output folder not writable).`;

async function loadPreset(path: string | undefined): Promise<Preset> {
  if (!path) return DEFAULT_PRESET;
  return parsePreset(JSON.parse(await readFile(path, 'utf8')));
}

async function processOne(input: string, folder: string, outDir: string, preset: Preset): Promise<ReportJob> {
  try {
    const bytes = await readFile(input);
    const { outputs, steps } = await processImage(bytes, { preset, limits: DEFAULT_LIMITS });
    await mkdir(join(outDir, folder), { recursive: true });
    const written = await Promise.all(
      outputs.map(async (output) => {
        const path = join(folder, output.name);
        await writeFile(join(outDir, path), output.data);
        const { name, filter, format, width, height } = output;
        return { name, filter, format, width, height, bytes: output.data.length, path };
      }),
    );
    return { input, status: 'SUCCEEDED', outputs: written, states: steps };
  } catch (error) {
    if (!isImageError(error)) throw error;
    return { input, status: 'FAILED', error: { code: error.code, message: error.message }, outputs: [], states: [] };
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
  const inputs = await collectInputs(positionals);
  const folders = outputFolders(inputs);
  await mkdir(values.out, { recursive: true });
  const jobs: ReportJob[] = [];
  for (const [index, input] of inputs.entries()) {
    const job = await processOne(input, folders[index] ?? 'image', values.out, preset);
    console.log(`${job.status === 'SUCCEEDED' ? 'ok    ' : 'FAILED'} ${input}${job.error ? ` (${job.error.code})` : ''}`);
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
