/**
 * Every encoder option a preset offers reaches the encoder: if encode.ts dropped one, the outputs
 * here would not differ as they must.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeImage } from '../../../handlers/core/encode';
import type { RawImage } from '../../../handlers/core/raw-image';

let photo: RawImage;
beforeAll(async () => {
  const { data, info } = await sharp(readFileSync(join(__dirname, '..', '..', '..', 'samples', 'landscape.jpg')))
    .resize({ width: 320 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  photo = { data, width: info.width, height: info.height, channels: info.channels as 3 };
});

const encode = (spec: Parameters<typeof encodeImage>[1]) => encodeImage(photo, spec, '#ffffff').then((encoded) => encoded.data);

/** Whether a JPEG's frame is progressive (SOF2) rather than baseline (SOF0). */
function isProgressive(jpeg: Buffer): boolean {
  for (let at = 2; at + 4 <= jpeg.length; ) {
    const marker = jpeg[at + 1]!;
    if (marker === 0xc2) return true;
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xda) return false;
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  return false;
}

describe('encoder options', () => {
  it('mozjpeg: a progressive JPEG, smaller than plain libjpeg’s of the same pixels at the same quality', async () => {
    const moz = await encode({ format: 'jpeg', quality: 80, mozjpeg: true });
    const plain = await encode({ format: 'jpeg', quality: 80, mozjpeg: false });
    expect(isProgressive(moz)).toBe(true);
    expect(isProgressive(plain)).toBe(false);
    expect(moz.length).toBeLessThan(plain.length);
  });

  it('JPEG quality: a lower quality is a smaller file', async () => {
    expect((await encode({ format: 'jpeg', quality: 40, mozjpeg: true })).length).toBeLessThan((await encode({ format: 'jpeg', quality: 90, mozjpeg: true })).length);
  });

  it('WebP quality, effort and lossless each change the file', async () => {
    const base = { format: 'webp', quality: 80, effort: 4, lossless: false } as const;
    const q80 = await encode(base);
    const q40 = await encode({ ...base, quality: 40 });
    expect(q40.length).toBeLessThan(q80.length);
    expect((await encode({ ...base, effort: 0 })).equals(q80)).toBe(false);
    const lossless = await encode({ ...base, lossless: true });
    expect(lossless.length).toBeGreaterThan(q80.length);
    const decoded = await sharp(lossless).raw().toBuffer();
    expect(decoded.equals(photo.data)).toBe(true);
  });

  it('AVIF quality and effort each change the file', async () => {
    const base = { format: 'avif', quality: 50, effort: 4 } as const;
    const q50 = await encode(base);
    expect((await encode({ ...base, quality: 20 })).length).toBeLessThan(q50.length);
    expect((await encode({ ...base, effort: 0 })).equals(q50)).toBe(false);
  });

  it('PNG compression level and palette each change the file', async () => {
    const base = { format: 'png', compressionLevel: 6, palette: false } as const;
    const level6 = await encode(base);
    expect((await encode({ ...base, compressionLevel: 0 })).length).toBeGreaterThan(level6.length);
    const palette = await encode({ ...base, palette: true });
    expect(palette.length).toBeLessThan(level6.length);
    expect((await sharp(palette).metadata()).isPalette).toBe(true);
  });
});
