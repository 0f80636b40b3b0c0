/**
 * ValidateImage's one decode reads a large JPEG at a reduced scale (libjpeg's DCT scaling, libvips'
 * shrink-on-load) rather than decoding every pixel and resizing after. Proven by the pixels, not by
 * timing: the working image it writes is byte-identical to sharp's shrink-on-load path and differs
 * from a decode at full scale resized the same way.
 */
import sharp from 'sharp';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { DEFAULT_PRESET, largestRenditionWidth } from '../../../handlers/core/preset';
import { validateUpload } from '../../../handlers/steps/validate';
import { MemoryJobStore, MemoryObjectStore } from './memory-ports';

/**
 * Noise tiled to `width` × `height`, as a JPEG: high-frequency content makes a reduced-scale decode
 * tell from a full one (a tile, repeated, is far cheaper to make than 24 MP of noise).
 */
async function noiseJpeg(width: number, height: number): Promise<Buffer> {
  const tile = { width: 500, height: 300 };
  const noise = await sharp({ create: { ...tile, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
  return sharp(noise)
    .extend({ right: width - tile.width, bottom: height - tile.height, extendWith: 'repeat' })
    .jpeg({ quality: 90 })
    .toBuffer();
}

async function validatedMaster(jpeg: Buffer) {
  const objects = new MemoryObjectStore();
  const jobs = new MemoryJobStore();
  const source = { bucket: 'raw', key: 'uploads/panorama.jpg', size: jpeg.length };
  await objects.put(source, jpeg, { contentType: 'image/jpeg' });
  await jobs.create({ jobId: 'job-1', source, receivedAt: '2026-12-01T10:00:00.000Z' });
  const result = await validateUpload({ jobId: 'job-1', source }, { objects, jobs, work: { bucket: 'processed', prefix: '_work/' }, preset: DEFAULT_PRESET, limits: DEFAULT_LIMITS });
  if (!result.valid) throw new Error(`expected a valid upload, got ${JSON.stringify(result.error)}`);
  if (!result.master) throw new Error("expected ValidateImage to write the working image of an image under the worker threshold");
  return { pointer: result.master, data: objects.objects.get(`processed/${result.master.key}`)!.body };
}

describe('ValidateImage on a 24 MP JPEG', () => {
  // 8000 × 3000 = 24 MP, 3.9 times the widest rendition: sharp loads it at half scale (4000 × 1500),
  // then resizes. (A 6000 × 4000 photo is only 2.93 times as wide: sharp decodes such a reduction,
  // under three times, at full scale, in ValidateImage and in the one-pass reference alike.)
  const width = 8000;
  const height = 3000;
  let jpeg: Buffer;
  let master: Awaited<ReturnType<typeof validatedMaster>>;
  beforeAll(async () => {
    sharp.cache(false);
    jpeg = await noiseJpeg(width, height);
    master = await validatedMaster(jpeg);
  });

  it('writes the working image at the widest rendition’s size', () => {
    expect(largestRenditionWidth(DEFAULT_PRESET)).toBe(2048);
    expect(master.pointer).toMatchObject({ width: 2048, height: 768, channels: 3 });
  });

  it('is the pixels of a decode at reduced scale: those of sharp’s shrink-on-load, not of a full decode resized', async () => {
    const size = { width: master.pointer.width, height: master.pointer.height, fit: 'fill' } as const;
    const shrunkOnLoad = await sharp(jpeg).resize({ ...size, fastShrinkOnLoad: true }).toColourspace('srgb').raw().toBuffer();
    const full = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    expect(full.info).toMatchObject({ width, height });
    const fromFullDecode = await sharp(full.data, { raw: { width, height, channels: 3 } }).resize(size).toColourspace('srgb').raw().toBuffer();

    expect(shrunkOnLoad.equals(fromFullDecode)).toBe(false);
    expect(master.data.equals(shrunkOnLoad)).toBe(true);
  });
});
