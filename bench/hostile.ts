/**
 * The hostile classes `npm run bench` adds to a batch of good photos: one file of each way an
 * upload is refused (docs/local.md), made from the batch's first photo where it needs one. The
 * over-the-limit file is 72 MB, past the default 50 MiB byte limit, as an attacker's would be.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  EMPTY_FILE,
  garbageInScanJpeg,
  headerOnlyJpeg,
  HTML_FILE,
  pixelBombPng,
  SVG_WITH_EXTERNAL_ENTITY,
  TEXT_FILE,
  truncatedJpeg,
} from '../__tests__/fixtures/images';

const OVERSIZED_BYTES = 72 * 1024 * 1024;

/** Writes the hostile files into `folder` and returns their paths; `jpeg` is a real photo's bytes. */
export function writeHostileFiles(folder: string, jpeg: Buffer): string[] {
  const files: Record<string, Buffer> = {
    'empty.jpg': EMPTY_FILE,
    'notes.jpg': TEXT_FILE,
    'page.png': HTML_FILE,
    'xxe.svg': SVG_WITH_EXTERNAL_ENTITY,
    'truncated.jpg': truncatedJpeg(jpeg),
    'garbage-in-scan.jpg': garbageInScanJpeg(jpeg),
    'header-only.jpg': headerOnlyJpeg(jpeg),
    'pixel-bomb.png': pixelBombPng({ megabytes: 8 }),
    'oversized.jpg': Buffer.concat([jpeg, Buffer.alloc(OVERSIZED_BYTES - jpeg.length)]),
  };
  return Object.entries(files).map(([name, bytes]) => {
    const path = join(folder, name);
    writeFileSync(path, bytes);
    return path;
  });
}

/**
 * The first JPEG among `files`, for the hostile files that are damaged photos; for a corpus with
 * none (gnome-backgrounds is WebP), its first picture encoded as JPEG.
 */
export async function firstJpeg(files: readonly string[]): Promise<Buffer> {
  const path = files.find((file) => /\.jpe?g$/i.test(file));
  if (path) return readFileSync(path);
  if (files.length === 0) throw new Error('Expected at least one picture in the corpus to damage for the hostile files, but found none.');
  return sharp(files[0]).jpeg({ quality: 90 }).toBuffer();
}
