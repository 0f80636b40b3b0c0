/**
 * The fixed start-up: each command on one 1-pixel PNG, where nearly all the CPU is starting up
 * (emulators, provisioning, loading the functions) and shutting down, interleaved with the
 * reference on the same pixel. `npm start` is timed as typed, npm included, and without npm.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { npmCommand, reference, runnerAlone } from './commands';
import { interleave, type Spread } from './measure';
import { withSpread, type BenchSection } from './table';

const TARGET_CPU_SECONDS = 0.6;

const inSeconds = (spread: Spread): Spread => ({ median: spread.median / 1000, min: spread.min / 1000, max: spread.max / 1000 });

export const startUpSection: BenchSection = {
  title: 'start-up: one 1-pixel image',
  async run({ rounds }) {
    const folder = mkdtempSync(join(tmpdir(), 'bench-pixel-'));
    try {
      const pixel = join(folder, 'pixel.png');
      await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } }).png().toFile(pixel);
      const results = await interleave(rounds, {
        reference: () => reference([pixel]),
        start: () => npmCommand('start', [pixel]),
        runner: () => runnerAlone([pixel]),
        process: () => npmCommand('process', [pixel]),
      });
      const figure = (name: string) => `CPU ${withSpread(inSeconds(results[name]!.cpuMs), 2, ' s')}, wall ${withSpread(inSeconds(results[name]!.wallMs), 2, ' s')}`;
      return [
        { group: 'start-up, 1 pixel', name: 'one-pass reference (node)', figure: figure('reference') },
        {
          group: 'start-up, 1 pixel',
          name: 'npm start',
          figure: figure('start'),
          target: { text: `≤ ${TARGET_CPU_SECONDS} CPU-s`, met: results.start!.cpuMs.median <= TARGET_CPU_SECONDS * 1000 },
        },
        { group: 'start-up, 1 pixel', name: 'the same without npm (node local/run-bundled.cjs)', figure: figure('runner') },
        { group: 'start-up, 1 pixel', name: 'npm run process', figure: figure('process') },
      ];
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
