/**
 * `npm run bench:memory`: peak resident memory of the local runners on four 1.2 MB PNGs that
 * decode to 100 MP of 16-bit RGBA each (800 MB decoded; interlaced, so libvips holds each whole),
 * at the default memory budget and at --memory-budget 1024, measured by GNU time (`-v`, "Maximum
 * resident set size") around the runner process. Figures are printed, never asserted.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

const ROOT = resolve(__dirname, '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const TIME = '/usr/bin/time';
const IMAGES = 4;

async function writeImages(dir: string): Promise<void> {
  for (let index = 0; index < IMAGES; index += 1) {
    await sharp({ create: { width: 10000, height: 10000, channels: 4, background: { r: 40 + index * 30, g: 120, b: 200, alpha: 0.9 } } })
      .toColourspace('rgb16')
      .png({ compressionLevel: 9, progressive: true })
      .toFile(join(dir, `big-${index}.png`));
  }
}

function peakRss(entry: string, args: readonly string[]): { mib: number; seconds: number; summary: string } {
  const run = spawnSync(TIME, ['-v', NODE, '--import', 'tsx', join(ROOT, entry), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const kib = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1]);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(run.stderr)?.[1] ?? '';
  const seconds = wall.split(':').reduce((total, part) => total * 60 + Number(part), 0);
  const summary = run.stdout.split('\n').find((line) => line.includes('image(s):')) ?? `exit ${run.status}: ${run.stderr.slice(-400)}`;
  return { mib: Math.round(kib / 1024), seconds, summary };
}

async function main(): Promise<void> {
  if (!existsSync(TIME)) throw new Error(`Expected GNU time at ${TIME} (Debian package "time"), but it is missing.`);
  const dir = await mkdtemp(join(tmpdir(), 'bench-rss-'));
  try {
    const inputs = join(dir, 'in');
    await mkdir(inputs);
    await writeImages(inputs);
    console.log(`Inputs: ${IMAGES} interlaced PNGs, ${execFileSync('du', ['-sh', inputs], { encoding: 'utf8' }).split('\t')[0]} in all, each 10000 × 10000 16-bit RGBA (800 MB decoded)`);
    for (const [command, entry] of [['npm start', 'local/main.ts'], ['npm run process', 'local/process-cli.ts']] as const) {
      for (const budget of [undefined, '1024']) {
        const out = join(dir, `out-${entry.replace(/\W/g, '')}-${budget ?? 'default'}`);
        const result = peakRss(entry, [inputs, '--out', out, ...(budget ? ['--memory-budget', budget] : [])]);
        console.log(`${command.padEnd(16)} ${(budget ? `--memory-budget ${budget}` : 'default budget').padEnd(22)} peak RSS ${String(result.mib).padStart(5)} MiB  ${result.seconds.toFixed(0).padStart(4)} s  ${result.summary}`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
