/**
 * One ValidateImage decode of one file in a process of its own, for bench/worker.ts: prints the
 * process's resident memory before the decode (sharp loaded) and at its peak, in KiB, as JSON.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { decodeMaster } from '../handlers/core/decode';
import { inspectImage } from '../handlers/core/inspect';
import { DEFAULT_LIMITS } from '../handlers/core/limits';
import { DEFAULT_PRESET } from '../handlers/core/preset';

async function main(): Promise<void> {
  sharp.cache(false);
  const bytes = await readFile(process.argv[2]!);
  const info = await inspectImage(bytes, DEFAULT_LIMITS);
  const before = process.resourceUsage().maxRSS;
  await decodeMaster(bytes, info, DEFAULT_PRESET, DEFAULT_LIMITS);
  process.stdout.write(`${JSON.stringify({ beforeKiB: before, peakKiB: process.resourceUsage().maxRSS, pixels: info.width * info.height, bytes: bytes.length, format: info.format })}\n`);
}

void main();
