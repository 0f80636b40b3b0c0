/**
 * Reference vs `npm run process` vs `npm start` on each corpus, and `npm start` again with the
 * hostile classes added to the batch, interleaved round by round. The hostile batch is compared
 * with the reference on the good photos alone: a rejected upload is work a one-pass processor
 * never does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCorpora, type Corpus } from './corpora';
import { npmCommand, reference } from './commands';
import { firstJpeg, writeHostileFiles } from './hostile';
import { interleave, type Samples } from './measure';
import { withSpread, type BenchRow, type BenchSection } from './table';

const TARGETS = { process: 1.2, start: 1.25, hostile: 1.35 } as const;

const seconds = (samples: Samples) => `CPU ${withSpread({ median: samples.cpuMs.median / 1000, min: samples.cpuMs.min / 1000, max: samples.cpuMs.max / 1000 }, 2, ' s')}, wall ${withSpread({ median: samples.wallMs.median / 1000, min: samples.wallMs.min / 1000, max: samples.wallMs.max / 1000 }, 2, ' s')}`;

function row(group: string, name: string, samples: Samples, limit?: number): BenchRow {
  const ratio = samples.ratio;
  return {
    group,
    name,
    figure: seconds(samples),
    ...(ratio ? { ratio: `CPU ${withSpread(ratio.cpu, 2, '×')}, wall ${withSpread(ratio.wall, 2, '×')}` } : {}),
    ...(ratio && limit !== undefined ? { target: { text: `≤ ${limit}× CPU`, met: ratio.cpu.median <= limit } } : {}),
  };
}

/** The four candidates on one corpus; a corpus that cannot be measured is one row saying why. */
async function benchCorpus(corpus: Corpus, rounds: number): Promise<BenchRow[]> {
  const good = corpus.files;
  const group = `${corpus.name}, ${good.length} files`;
  const folder = mkdtempSync(join(tmpdir(), 'bench-hostile-'));
  try {
    const withHostile = [...good, ...writeHostileFiles(folder, await firstJpeg(good))];
    process.stderr.write(`  ${group}: ${rounds} rounds…\n`);
    const results = await interleave(
      rounds,
      {
        reference: () => reference(good),
        process: () => npmCommand('process', good),
        start: () => npmCommand('start', good),
        hostile: () => npmCommand('start', withHostile),
      },
      'reference',
    );
    return [
      row(group, 'one-pass reference', results.reference!),
      row(group, 'npm run process', results.process!, TARGETS.process),
      row(group, 'npm start', results.start!, TARGETS.start),
      row(group, `npm start + ${withHostile.length - good.length} hostile files`, results.hostile!, TARGETS.hostile),
    ];
  } catch (error) {
    return [{ group, name: 'did not run', figure: error instanceof Error ? error.message : String(error), target: { text: 'runs', met: false } }];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export const pipelineSection: BenchSection = {
  title: 'reference, npm run process and npm start on each corpus',
  async run({ rounds }) {
    const rows: BenchRow[] = [];
    for (const corpus of benchCorpora()) rows.push(...(await benchCorpus(corpus, rounds)));
    return rows;
  },
};
