import sharp from 'sharp';
import { encodeImage, encodeRendition } from '../../../handlers/core/encode';
import { DEFAULT_PRESET, DEFAULT_PRESET_JSON, parsePreset } from '../../../handlers/core/preset';
import type { RawImage } from '../../../handlers/core/raw-image';
import type { RawRendition } from '../../../handlers/core/renditions';
import { expectCodedError } from '../../fixtures/expect-error';
import { decode, regionMean } from '../../fixtures/image-stats';
import { photoLikeRaw } from '../../fixtures/images';

/** 64 × 32 RGBA: left half opaque red, right half transparent. */
function halfTransparent(): RawImage {
  const data = Buffer.alloc(64 * 32 * 4);
  for (let i = 0; i < 64 * 32; i += 1) data.set(i % 64 < 32 ? [230, 20, 20, 255] : [0, 0, 255, 0], i * 4);
  return { data, width: 64, height: 32, channels: 4 };
}

const rendition = (image: RawImage, name = 'thumb', filter: string | null = null): RawRendition => ({
  name,
  rendition: name.split('-')[0] ?? name,
  filter,
  image,
});

let photo: RawImage;
beforeAll(async () => {
  photo = await photoLikeRaw(320, 213, 9);
});

describe('encodeRendition', () => {
  it('encodes a rendition in every preset format, described for storage', async () => {
    const outputs = await encodeRendition(rendition(photo), DEFAULT_PRESET);
    expect(outputs.map(({ data, ...rest }) => rest)).toEqual([
      { name: 'thumb.webp', base: 'thumb', rendition: 'thumb', filter: null, format: 'webp', width: 320, height: 213, contentType: 'image/webp' },
      { name: 'thumb.jpg', base: 'thumb', rendition: 'thumb', filter: null, format: 'jpeg', width: 320, height: 213, contentType: 'image/jpeg' },
    ]);
    for (const output of outputs) {
      const metadata = await sharp(output.data).metadata();
      expect([metadata.format, metadata.width, metadata.height]).toEqual([output.format, 320, 213]);
    }
  });

  it('encodes a variant only in its own formats', async () => {
    const outputs = await encodeRendition(rendition(photo, 'medium-grayscale', 'grayscale'), DEFAULT_PRESET);
    expect(outputs.map((o) => [o.name, o.base, o.rendition, o.filter, o.format])).toEqual([
      ['medium-grayscale.webp', 'medium-grayscale', 'medium', 'grayscale', 'webp'],
    ]);
  });

  it('flattens alpha onto white for JPEG and keeps it in WebP', async () => {
    const [webp, jpeg] = await encodeRendition(rendition(halfTransparent()), DEFAULT_PRESET);
    const flat = await decode(jpeg!.data);
    expect(flat.channels).toBe(3);
    for (const value of regionMean(flat, 0.6, 0, 1, 1)) expect(value).toBeGreaterThan(245);
    expect(regionMean(flat, 0, 0, 0.4, 1)[0]).toBeGreaterThan(200);
    const alpha = await decode(webp!.data);
    expect((await sharp(webp!.data).metadata()).hasAlpha).toBe(true);
    expect(alpha.channels).toBe(4);
    expect(regionMean(alpha, 0.6, 0, 1, 1)[3]).toBe(0);
    expect(regionMean(alpha, 0, 0, 0.4, 1)[3]).toBe(255);
  });

  it('flattens onto the preset’s background colour', async () => {
    const preset = parsePreset({ ...structuredClone(DEFAULT_PRESET_JSON), flattenBackground: '#000080' });
    const [, jpeg] = await encodeRendition(rendition(halfTransparent()), preset);
    const [r = 0, g = 0, b = 0] = regionMean(await decode(jpeg!.data), 0.6, 0, 1, 1);
    expect(r).toBeLessThan(15);
    expect(g).toBeLessThan(15);
    expect(Math.abs(b - 128)).toBeLessThan(15);
  });

  it('writes PNG and AVIF too, with alpha', async () => {
    const preset = parsePreset({
      name: 'all',
      renditions: [{ name: 'thumb', width: 320 }],
      formats: [{ format: 'png' }, { format: 'avif', quality: 60 }],
    });
    const outputs = await encodeRendition(rendition(halfTransparent()), preset);
    expect(outputs.map((o) => [o.name, o.format, o.contentType])).toEqual([
      ['thumb.png', 'png', 'image/png'],
      ['thumb.avif', 'avif', 'image/avif'],
    ]);
    expect((await sharp(outputs[0]!.data).metadata()).hasAlpha).toBe(true);
    const avif = await sharp(outputs[1]!.data).metadata();
    expect([avif.format, avif.compression, avif.hasAlpha]).toEqual(['heif', 'av1', true]);
  });

  it('writes no metadata at all: no EXIF, XMP, IPTC or ICC, in any format', async () => {
    const preset = parsePreset({
      name: 'all',
      renditions: [{ name: 'thumb', width: 320 }],
      formats: [{ format: 'webp' }, { format: 'jpeg' }, { format: 'png' }, { format: 'avif' }],
    });
    for (const output of await encodeRendition(rendition(photo), preset)) {
      const metadata = await sharp(output.data).metadata();
      expect({ name: output.name, exif: metadata.exif, xmp: metadata.xmp, iptc: metadata.iptc, icc: metadata.icc, orientation: metadata.orientation }).toEqual({
        name: output.name,
        exif: undefined,
        xmp: undefined,
        iptc: undefined,
        icc: undefined,
        orientation: undefined,
      });
    }
  });
});

describe('encodeImage', () => {
  it('UNSUPPORTED_DIMENSIONS for an image taller than WebP allows', async () => {
    const strip: RawImage = { data: Buffer.alloc(16_384 * 3), width: 1, height: 16_384, channels: 3 };
    const error = await expectCodedError(encodeImage(strip, { format: 'webp', quality: 80, effort: 4, lossless: false }, '#ffffff'), 'UNSUPPORTED_DIMENSIONS');
    expect(error.message).toBe('Expected at most 16383 × 16383 pixels for WebP, but the image is 1 × 16384.');
    await expect(encodeImage(strip, { format: 'jpeg', quality: 80, mozjpeg: true }, '#ffffff')).resolves.toEqual(
      expect.objectContaining({ width: 1, height: 16_384 }),
    );
  });
});
