import sharp from 'sharp';
import { decodeMaster, masterSize } from '../../../handlers/core/decode';
import { encodeRendition } from '../../../handlers/core/encode';
import { fitInside } from '../../../handlers/core/geometry';
import { resizeRenditions } from '../../../handlers/core/renditions';
import { inspectImage, type ImageInfo } from '../../../handlers/core/inspect';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { DEFAULT_PRESET, parsePreset } from '../../../handlers/core/preset';
import { expectCodedError } from '../../fixtures/expect-error';
import { regionMean } from '../../fixtures/image-stats';
import {
  animatedGif,
  cmykJpeg,
  garbageInScanJpeg,
  onePixel,
  photoLikeJpeg,
  png16,
  rgbaPng,
  solid,
  truncatedJpeg,
} from '../../fixtures/images';

async function decode(bytes: Buffer, limits = DEFAULT_LIMITS, preset = DEFAULT_PRESET) {
  const info = await inspectImage(bytes, limits);
  return decodeMaster(bytes, info, preset, limits);
}

/** Close to an expected colour, within `tolerance` per channel. */
function near(actual: number[], expected: number[], tolerance = 30): void {
  actual.slice(0, expected.length).forEach((value, i) => expect(Math.abs(value - (expected[i] ?? 0))).toBeLessThanOrEqual(tolerance));
}

let photo: Buffer;
beforeAll(async () => {
  photo = await photoLikeJpeg(2400, 1600);
});

describe('decodeMaster', () => {
  it('shrinks a wide photo on load to the widest rendition, as 8-bit RGB', async () => {
    const master = await decode(photo);
    expect({ width: master.width, height: master.height, channels: master.channels }).toEqual({ width: 2048, height: 1365, channels: 3 });
    expect(master.data.length).toBe(2048 * 1365 * 3);
  });

  it('auto-orients from EXIF (orientation 6: the stored top-left corner ends up top-right) and never enlarges', async () => {
    const rotated = await photoLikeJpeg(600, 400, { orientation: 6, markTopLeft: true });
    const master = await decode(rotated);
    expect([master.width, master.height]).toEqual([400, 600]);
    near(regionMean(master, 0.85, 0, 1, 0.12), [255, 0, 0], 40);
    expect(regionMean(master, 0, 0, 0.15, 0.12)[1]).toBeGreaterThan(20); // top-left is no longer the red mark
  });

  it('converts CMYK (embedded profile) to sRGB', async () => {
    const master = await decode(await cmykJpeg(90, 60));
    expect(master.channels).toBe(3);
    // Saturated green and blue lie outside the CMYK gamut, so compare which channel dominates.
    const dominant = (rgb: number[]) => rgb.indexOf(Math.max(...rgb));
    expect(dominant(regionMean(master, 0, 0, 0.3, 1))).toBe(0);
    expect(dominant(regionMean(master, 0.36, 0, 0.63, 1))).toBe(1);
    expect(dominant(regionMean(master, 0.7, 0, 1, 1))).toBe(2);
    near(regionMean(master, 0, 0, 0.3, 1), [220, 30, 30], 30);
  });

  it('reduces 16-bit input to 8 bits per channel', async () => {
    const master = await decode(await png16(90, 60));
    expect(master.data.length).toBe(90 * 60 * 3);
    near(regionMean(master, 0, 0, 0.3, 1), [220, 30, 30], 2);
  });

  it('keeps alpha when present (4 channels)', async () => {
    const master = await decode(await rgbaPng(400, 300));
    expect(master.channels).toBe(4);
    expect(regionMean(master, 0, 0, 0.45, 1)[3]).toBe(255);
    expect(regionMean(master, 0.55, 0, 1, 1)[3]).toBe(0);
  });

  it('decodes only the first frame of an animation', async () => {
    const master = await decode(await animatedGif(64, 48));
    expect([master.width, master.height]).toEqual([64, 48]);
    near(regionMean(master, 0, 0, 1, 1), [255, 0, 0, 255], 1);
  });

  it('turns greyscale input into RGB', async () => {
    const grey = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#808080' } }).toColourspace('b-w').png().toBuffer();
    const master = await decode(grey);
    expect(master.channels).toBe(3);
    near(regionMean(master, 0, 0, 1, 1), [128, 128, 128], 1);
  });

  it('keeps a 1 × 1 image 1 × 1', async () => {
    const master = await decode(await onePixel('jpeg'));
    expect([master.width, master.height, master.channels]).toEqual([1, 1, 3]);
  });

  it('CORRUPT for garbage in the middle of the scan data, which the header checks cannot see', async () => {
    const damaged = garbageInScanJpeg(photo);
    await expect(inspectImage(damaged, DEFAULT_LIMITS)).resolves.toBeDefined();
    const error = await expectCodedError(decode(damaged), 'CORRUPT');
    expect(error.message).toMatch(/^Expected intact JPEG image data, but the decoder reported: Corrupt JPEG data/);
  });

  it('needs failOn "warning" for that: at "error" libjpeg repairs the damage silently', async () => {
    const damaged = garbageInScanJpeg(photo);
    await expect(sharp(damaged, { failOn: 'error' }).resize(320).raw().toBuffer()).resolves.toBeInstanceOf(Buffer);
    await expect(sharp(damaged, { failOn: 'warning' }).resize(320).raw().toBuffer()).rejects.toThrow(/Corrupt JPEG data/);
  });

  it('CORRUPT for truncated data even when handed the intact file’s header facts', async () => {
    const info = await inspectImage(photo, DEFAULT_LIMITS);
    const error = await expectCodedError(decodeMaster(truncatedJpeg(photo), info, DEFAULT_PRESET, DEFAULT_LIMITS), 'CORRUPT');
    expect(error.message).toContain('premature end');
  });

  it('lets libvips enforce maxPixels too (TOO_MANY_PIXELS if header facts and bytes disagree)', async () => {
    const image = await solid('png', 40, 30);
    const info = await inspectImage(image, DEFAULT_LIMITS);
    await expectCodedError(decodeMaster(image, info, DEFAULT_PRESET, { ...DEFAULT_LIMITS, maxPixels: 100 }), 'TOO_MANY_PIXELS');
  });

  it('scales a strip too tall for WebP down to fit, instead of rejecting it', async () => {
    const strip = await sharp({ create: { width: 400, height: 40_000, channels: 3, background: '#123456' } }).png().toBuffer();
    const master = await decode(strip);
    expect(master).toMatchObject({ width: 164, height: 16383 });
    const renditions = await resizeRenditions(master, DEFAULT_PRESET);
    for (const rendition of renditions) expect(Math.max(rendition.image.width, rendition.image.height)).toBeLessThanOrEqual(16383);
    const thumb = await encodeRendition(renditions.find((r) => r.name === 'thumb')!, DEFAULT_PRESET);
    expect(thumb.map((output) => [output.format, output.width, output.height])).toEqual([
      ['webp', 164, 16383],
      ['jpeg', 164, 16383],
    ]);
  });
});

describe('sizes', () => {
  const info = (orientedWidth: number, orientedHeight: number) => ({ orientedWidth, orientedHeight }) as Pick<ImageInfo, 'orientedWidth' | 'orientedHeight'>;

  it('masterSize is the widest rendition, or the image when narrower, and never taller than the encoders allow', () => {
    expect(masterSize(info(4000, 3000), DEFAULT_PRESET)).toEqual({ width: 2048, height: 1536 });
    expect(masterSize(info(800, 1200), DEFAULT_PRESET)).toEqual({ width: 800, height: 1200 });
    expect(masterSize(info(1170, 25_000), DEFAULT_PRESET)).toEqual({ width: 767, height: 16383 });
    const jpegOnly = parsePreset({ name: 'j', renditions: [{ name: 'a', width: 320 }], formats: [{ format: 'jpeg' }] });
    expect(masterSize(info(1170, 25_000), jpegOnly)).toEqual({ width: 320, height: 6838 });
  });

  it('fitInside keeps the aspect ratio and never enlarges', () => {
    expect(fitInside(3000, 2000, { width: 320, height: 16383 })).toEqual({ width: 320, height: 213 });
    expect(fitInside(100, 50, { width: 320, height: 16383 })).toEqual({ width: 100, height: 50 });
    expect(fitInside(10_000, 1, { width: 320, height: 16383 })).toEqual({ width: 320, height: 1 });
    expect(fitInside(1, 100_000, { width: 320, height: 16383 })).toEqual({ width: 1, height: 16383 });
  });
});
