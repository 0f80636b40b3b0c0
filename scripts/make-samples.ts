/**
 * Regenerates the bundled sample images in `samples/` (run: `npx tsx scripts/make-samples.ts`).
 * They are synthetic but photo-like (gradients, soft shapes, layered noise and grain), so encoders
 * spend about what they spend on real photos; deterministic, so re-running gives the same pixels.
 * Each one exercises a path of the processor: EXIF orientation, alpha, animation, WebP input.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { photoLikeRaw, type RawRgb } from '../__tests__/fixtures/images';

const OUT = join(__dirname, '..', 'samples');
const BUDGET_BYTES = 2 * 1024 * 1024;

/** RGB + an alpha channel: opaque inside a rounded rectangle, fading out over `feather` pixels. */
function withRoundedAlpha(image: RawRgb, feather: number): Buffer {
  const { width, height } = image;
  const out = Buffer.alloc(width * height * 4);
  const inset = feather * 1.5;
  const radius = Math.min(width, height) / 5;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      // Signed distance to a rounded rectangle inset from the edges.
      const dx = Math.max(inset + radius - x, x - (width - inset - radius), 0);
      const dy = Math.max(inset + radius - y, y - (height - inset - radius), 0);
      const outside = Math.hypot(dx, dy) - radius;
      const alpha = Math.max(0, Math.min(1, 0.5 - outside / feather));
      const p = y * width + x;
      image.data.copy(out, p * 4, p * 3, p * 3 + 3);
      out[p * 4 + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

/** Frames of a bright disc crossing a photo-like background, stacked vertically. */
function animationFrames(background: RawRgb, frames: number): Buffer {
  const { width, height } = background;
  const out = Buffer.alloc(width * height * 3 * frames);
  const r = height / 6;
  for (let f = 0; f < frames; f += 1) {
    const frame = out.subarray(f * width * height * 3, (f + 1) * width * height * 3);
    background.data.copy(frame);
    const cx = r + ((width - 2 * r) * f) / (frames - 1);
    const cy = height / 2 + Math.sin((f / frames) * Math.PI * 2) * height / 5;
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y += 1) {
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x += 1) {
        if (x < 0 || y < 0 || x >= width || y >= height || Math.hypot(x - cx, y - cy) > r) continue;
        frame.set([250, 210, 60], (y * width + x) * 3);
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const raw = (image: RawRgb) => ({ raw: { width: image.width, height: image.height, channels: image.channels } });

  const landscape = await photoLikeRaw(2400, 1600, 101);
  const portrait = await photoLikeRaw(1600, 1200, 202);
  const alpha = await photoLikeRaw(480, 360, 303);
  const square = await photoLikeRaw(1024, 1024, 404);
  const backdrop = await photoLikeRaw(240, 160, 505);

  const samples: [string, Promise<Buffer>, string][] = [
    ['landscape.jpg', sharp(landscape.data, raw(landscape)).jpeg({ quality: 88 }).toBuffer(), '2400 × 1600 JPEG, wider than the largest rendition'],
    [
      'portrait-exif-rotated.jpg',
      // Stored landscape with EXIF Orientation 6: viewers (and the processor) show it 1200 × 1600.
      sharp(portrait.data, raw(portrait)).withMetadata({ orientation: 6 }).jpeg({ quality: 88 }).toBuffer(),
      'JPEG stored 1600 × 1200 with EXIF orientation 6 (upright: 1200 × 1600)',
    ],
    [
      'badge-alpha.png',
      sharp(withRoundedAlpha(alpha, 24), { raw: { width: alpha.width, height: alpha.height, channels: 4 } }).png({ compressionLevel: 9 }).toBuffer(),
      '480 × 360 PNG with soft transparent edges (JPEG outputs are flattened on white)',
    ],
    [
      'animated.gif',
      sharp(animationFrames(backdrop, 8), { raw: { width: backdrop.width, height: backdrop.height * 8, channels: 3, pageHeight: backdrop.height } })
        .gif({ loop: 0, delay: 120, effort: 7 })
        .toBuffer(),
      '240 × 160 animated GIF, 8 frames (only the first is processed)',
    ],
    ['square.webp', sharp(square.data, raw(square)).webp({ quality: 75 }).toBuffer(), '1024 × 1024 WebP'],
  ];

  let total = 0;
  for (const [name, data, description] of samples) {
    const bytes = await data;
    total += bytes.length;
    await writeFile(join(OUT, name), bytes);
    console.log(`${name.padEnd(28)} ${String(bytes.length).padStart(8)} bytes  ${description}`);
  }
  console.log(`${'total'.padEnd(28)} ${String(total).padStart(8)} bytes`);
  if (total > BUDGET_BYTES) throw new Error(`Expected the samples to total at most ${BUDGET_BYTES} bytes, but they total ${total}.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
