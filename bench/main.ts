/**
 * `npm run bench`: one table of everything measured, each figure the median of interleaved runs
 * with its spread (min–max), never asserted in tests (docs/benchmarks.md).
 *
 * Each part is a BenchSection (bench/table.ts) in its own module, listed in SECTIONS: it measures
 * when run and returns its rows, which land in the same table. The worker path on heavy images
 * joins the same way when it lands; BENCH_ONLY=<word>[,<word>…] runs the sections whose title
 * holds one of the words.
 */
import { loadavg } from 'node:os';
import sharp from 'sharp';
import { apiSection } from './api-section';
import { buildReference } from './commands';
import { lambdaSection } from './lambda-bundles';
import { pipelineSection } from './pipeline-section';
import { startUpSection } from './start-up-section';
import { renderTable, type BenchRow, type BenchSection } from './table';

const SECTIONS: readonly BenchSection[] = [startUpSection, pipelineSection, lambdaSection, apiSection];

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const load = () => loadavg().map((value) => value.toFixed(2)).join(', ');

/** A section that fails is one row saying why, so the rest of the table still prints. */
async function runSection(section: BenchSection): Promise<readonly BenchRow[]> {
  try {
    return await section.run({ rounds: ROUNDS });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [{ group: section.title, name: 'did not run', figure: reason, target: { text: 'runs', met: false } }];
  }
}

async function main(): Promise<void> {
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`Expected BENCH_ROUNDS to be a whole number of at least 1, but received ${JSON.stringify(process.env.BENCH_ROUNDS)}.`);
  const only = process.env.BENCH_ONLY?.split(',');
  process.stderr.write(`Node ${process.version}, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), ${ROUNDS} rounds\n`);
  await buildReference();
  const rows: BenchRow[] = [];
  const loads: string[] = [];
  for (const section of SECTIONS.filter((candidate) => !only || only.some((word) => candidate.title.includes(word)))) {
    const before = load();
    process.stderr.write(`${section.title} (load average ${before})…\n`);
    rows.push(...(await runSection(section)));
    loads.push(`${section.title}: ${before} before, ${load()} after`);
  }
  process.stdout.write(renderTable(rows));
  process.stdout.write(`\nLoad average (1, 5, 15 min), per section:\n${loads.map((line) => `- ${line}`).join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
