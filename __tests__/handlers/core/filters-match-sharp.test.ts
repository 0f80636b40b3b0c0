/**
 * Each filter means what sharp means by it: applied to a saturated photo (resized as the variants
 * are), it gives what sharp's own operation gives — PSNR of at least 45 dB against sharp's result.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { applyFilters } from '../../../handlers/core/filters';
import type { FilterSpec } from '../../../handlers/core/filter-spec';
import type { RawImage } from '../../../handlers/core/raw-image';

const SEPIA: [[number, number, number], [number, number, number], [number, number, number]] = [
  [0.393, 0.769, 0.189],
  [0.349, 0.686, 0.168],
  [0.272, 0.534, 0.131],
];

/** A real photo with its saturation tripled: where a wrong grey shows most. */
async function saturatedPhoto(alpha: boolean): Promise<RawImage> {
  let pipeline = sharp(readFileSync(join(__dirname, '..', '..', '..', 'samples', 'landscape.jpg'))).modulate({ saturation: 3 });
  if (alpha) pipeline = pipeline.ensureAlpha(0.6);
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 3 | 4 };
}

function psnr(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let squared = 0;
  for (let index = 0; index < a.length; index++) squared += (a[index]! - b[index]!) ** 2;
  return squared === 0 ? Infinity : 10 * Math.log10((255 * 255) / (squared / a.length));
}

const channel = (data: Buffer, channels: number, index: number) => Buffer.from(data.filter((_, at) => at % channels === index));

const FIT = { width: 400, height: 16383 };

/**
 * sharp's own operation on the rendition: the pixels resized to the same size, then the operation
 * — in one pipeline, where sharp runs the operation after the resize anyway; in two for
 * `greyscale()`, which sharp would run before the resize within one pipeline.
 */
async function sharpReference(image: RawImage, size: { width: number; height: number }, configure: (pipeline: Sharp) => Sharp, options: { split?: boolean } = {}) {
  const raw = (of: RawImage | { width: number; height: number; channels: number }) => ({ width: of.width, height: of.height, channels: of.channels as 3 | 4 });
  const resize = (pipeline: Sharp) => pipeline.resize({ ...size, fit: 'fill' });
  if (!options.split) return configure(resize(sharp(image.data, { raw: raw(image) }))).raw().toBuffer({ resolveWithObject: true });
  const resized = await resize(sharp(image.data, { raw: raw(image) })).raw().toBuffer({ resolveWithObject: true });
  return configure(sharp(resized.data, { raw: raw(resized.info) })).raw().toBuffer({ resolveWithObject: true });
}

describe('filters against sharp', () => {
  it.each([false, true])('grayscale is sharp’s greyscale() on R, G and B (alpha: %s), alpha kept', async (alpha) => {
    const image = await saturatedPhoto(alpha);
    const ours = await applyFilters(image, [{ name: 'grayscale' }], { fit: FIT });
    const reference = await sharpReference(image, ours, (p) => p.greyscale(), { split: true });
    expect(reference.info.channels).toBe(1);
    for (const index of [0, 1, 2]) expect(psnr(channel(ours.data, ours.channels, index), reference.data)).toBeGreaterThanOrEqual(45);
    if (alpha) {
      const referenceAlpha = await sharpReference(image, ours, (p) => p.extractChannel(3), { split: true });
      expect(psnr(channel(ours.data, 4, 3), referenceAlpha.data)).toBeGreaterThanOrEqual(45);
    }
  });

  it('would notice the Rec. 709 matrix on stored values: far below 45 dB on a saturated photo', async () => {
    const image = await saturatedPhoto(false);
    const size = { width: 400, height: Math.round((400 * image.height) / image.width) };
    const matrix = await sharpReference(image, size, (p) => p.recomb([[0.2126, 0.7152, 0.0722], [0.2126, 0.7152, 0.0722], [0.2126, 0.7152, 0.0722]]));
    const reference = await sharpReference(image, size, (p) => p.greyscale(), { split: true });
    expect(psnr(channel(matrix.data, 3, 0), reference.data)).toBeLessThan(35);
  });

  const cases: [string, FilterSpec, (pipeline: Sharp) => Sharp][] = [
    ['sepia: the documented matrix on sRGB values', { name: 'sepia' }, (p) => p.recomb(SEPIA)],
    ['blur', { name: 'blur', sigma: 2 }, (p) => p.blur(2)],
    ['sharpen with a sigma', { name: 'sharpen', sigma: 1.5 }, (p) => p.sharpen({ sigma: 1.5 })],
    ['sharpen, sharp’s fast default', { name: 'sharpen' }, (p) => p.sharpen()],
    ['tint', { name: 'tint', color: '#ff3300' }, (p) => p.tint('#ff3300')],
    ['negate (alpha untouched)', { name: 'negate' }, (p) => p.negate({ alpha: false })],
    ['normalize', { name: 'normalize' }, (p) => p.normalise()],
  ];

  it.each(cases)('%s is sharp’s own operation', async (_label, spec, configure) => {
    const image = await saturatedPhoto(true);
    const ours = await applyFilters(image, [spec], { fit: FIT });
    const reference = await sharpReference(image, ours, configure);
    expect(ours.channels).toBe(reference.info.channels);
    expect(psnr(ours.data, reference.data)).toBeGreaterThanOrEqual(45);
  });
});
