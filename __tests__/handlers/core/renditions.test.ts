import { parsePreset, DEFAULT_PRESET, DEFAULT_PRESET_JSON } from '../../../handlers/core/preset';
import type { RawImage } from '../../../handlers/core/raw-image';
import { filterVariants, resizeRenditions, resizeTo } from '../../../handlers/core/renditions';
import { countPixels, isGrey } from '../../fixtures/image-stats';
import { photoLikeRaw } from '../../fixtures/images';

let master: RawImage;
beforeAll(async () => {
  master = await photoLikeRaw(2048, 1365, 5);
});

const size = (image: RawImage) => [image.width, image.height, image.channels];

describe('resizeRenditions', () => {
  it('produces one image per rendition at its width, height by aspect ratio', async () => {
    const renditions = await resizeRenditions(master, DEFAULT_PRESET);
    expect(renditions.map((r) => [r.name, r.rendition, r.filter, ...size(r.image)])).toEqual([
      ['thumb', 'thumb', null, 320, 213, 3],
      ['medium', 'medium', null, 1024, 683, 3],
      ['large', 'large', null, 2048, 1365, 3],
    ]);
    for (const r of renditions) expect(r.image.data.length).toBe(r.image.width * r.image.height * 3);
  });

  it('reuses the master’s buffer, without resampling, where the width already matches', async () => {
    const [thumb, , large] = await resizeRenditions(master, DEFAULT_PRESET);
    expect(large?.image.data).toBe(master.data);
    expect(thumb?.image.data).not.toBe(master.data);
  });

  it('never enlarges: a small master is every rendition, as is', async () => {
    const small: RawImage = { data: Buffer.alloc(200 * 100 * 4, 7), width: 200, height: 100, channels: 4 };
    const renditions = await resizeRenditions(small, DEFAULT_PRESET);
    for (const r of renditions) {
      expect(size(r.image)).toEqual([200, 100, 4]);
      expect(r.image.data).toBe(small.data);
    }
  });

  it('keeps alpha', async () => {
    const rgba: RawImage = { data: Buffer.alloc(640 * 480 * 4, 200), width: 640, height: 480, channels: 4 };
    const [thumb] = await resizeRenditions(rgba, DEFAULT_PRESET);
    expect(size(thumb!.image)).toEqual([320, 240, 4]);
  });

  it('resizes once per distinct width', async () => {
    const preset = parsePreset({
      name: 'twins',
      renditions: [{ name: 'a', width: 500 }, { name: 'b', width: 500 }],
      formats: [{ format: 'webp' }],
    });
    const [a, b] = await resizeRenditions(master, preset);
    expect(a?.image).toBe(b?.image);
  });

  it('resizeTo returns the master itself when it already fits the box', async () => {
    expect(await resizeTo(master, { width: 4000, height: 16383 })).toBe(master);
    expect((await resizeTo(master, { width: 100, height: 16383 })).width).toBe(100);
    expect((await resizeTo(master, { width: 4000, height: 10 })).height).toBe(10);
  });
});

describe('filterVariants', () => {
  it('produces medium-grayscale for the default preset: 1024 wide, R = G = B', async () => {
    const variants = await filterVariants(master, DEFAULT_PRESET);
    expect(variants.map((v) => [v.name, v.rendition, v.filter, ...size(v.image)])).toEqual([
      ['medium-grayscale', 'medium', 'grayscale', 1024, 683, 3],
    ]);
    expect(countPixels(variants[0]!.image, isGrey)).toBe(0);
  });

  it('gives the same pixels when starting from already-resized renditions', async () => {
    const direct = await filterVariants(master, DEFAULT_PRESET);
    const reused = await filterVariants(master, DEFAULT_PRESET, await resizeRenditions(master, DEFAULT_PRESET));
    expect(size(reused[0]!.image)).toEqual(size(direct[0]!.image));
    const a = direct[0]!.image.data;
    const b = reused[0]!.image.data;
    let maxDiff = 0;
    for (let i = 0; i < a.length; i += 1) maxDiff = Math.max(maxDiff, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it('applies multi-filter chains and labels them by filter names', async () => {
    const preset = parsePreset({
      ...structuredClone(DEFAULT_PRESET_JSON),
      variants: [{ rendition: 'thumb', filters: [{ name: 'tint', color: '#ff0000' }, { name: 'grayscale' }] }],
    });
    const [variant] = await filterVariants(master, preset);
    expect([variant?.name, variant?.filter, ...size(variant!.image)]).toEqual(['thumb-tint-grayscale', 'tint-grayscale', 320, 213, 3]);
    expect(countPixels(variant!.image, isGrey)).toBe(0);
  });

  it('returns nothing for a preset without variants', async () => {
    const preset = parsePreset({ ...structuredClone(DEFAULT_PRESET_JSON), variants: [] });
    expect(await filterVariants(master, preset)).toEqual([]);
  });
});
