import sharp from 'sharp';
import { inspectImage, jpegStructureProblem } from '../../../handlers/core/inspect';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { expectCodedError } from '../../fixtures/expect-error';
import {
  EMPTY_FILE,
  HEIC_HEADER,
  HTML_FILE,
  SVG_WITH_EXTERNAL_ENTITY,
  TEXT_FILE,
  animatedGif,
  cmykJpeg,
  headerOnlyJpeg,
  photoLikeJpeg,
  pixelBombPng,
  png16,
  rgbaPng,
  solid,
  truncatedJpeg,
} from '../../fixtures/images';
import { exifWithThumbnail, insertAfterSoi } from '../../fixtures/jpeg-segments';
import { aviFile, wavFile } from '../../fixtures/riff';

// Count every sharp instance created, so tests can prove some inputs never reach a parser.
jest.mock('sharp', () => {
  const actual = jest.requireActual('sharp');
  const wrapped = jest.fn((...args: unknown[]) => actual(...args));
  return Object.assign(wrapped, actual);
});
const sharpCalls = sharp as unknown as jest.Mock;

let photo: Buffer;
beforeAll(async () => {
  photo = await photoLikeJpeg(600, 400, { orientation: 6 });
});
beforeEach(() => sharpCalls.mockClear());

describe('inspectImage: header facts', () => {
  it('reports stored and oriented size, orientation and the rest for a JPEG with EXIF orientation 6', async () => {
    const info = await inspectImage(photo, DEFAULT_LIMITS);
    expect(info).toEqual({
      format: 'jpeg',
      mediaType: 'image/jpeg',
      width: 600,
      height: 400,
      orientedWidth: 400,
      orientedHeight: 600,
      pages: 1,
      bytes: photo.length,
      hasAlpha: false,
      space: 'srgb',
      depth: 'uchar',
      channels: 3,
      hasProfile: expect.any(Boolean),
      orientation: 6,
    });
  });

  it('counts the frames of an animated GIF and gives one frame’s size', async () => {
    const info = await inspectImage(await animatedGif(64, 48), DEFAULT_LIMITS);
    expect(info).toEqual(expect.objectContaining({ format: 'gif', width: 64, height: 48, pages: 3 }));
  });

  it('reports alpha, 16-bit depth, CMYK and embedded profiles', async () => {
    expect(await inspectImage(await rgbaPng(), DEFAULT_LIMITS)).toEqual(expect.objectContaining({ hasAlpha: true, channels: 4 }));
    expect(await inspectImage(await png16(), DEFAULT_LIMITS)).toEqual(expect.objectContaining({ depth: 'ushort', space: 'rgb16' }));
    expect(await inspectImage(await cmykJpeg(), DEFAULT_LIMITS)).toEqual(
      expect.objectContaining({ space: 'cmyk', channels: 4, hasProfile: true }),
    );
  });

  it('calls AVIF avif (sharp names its loader heif)', async () => {
    expect((await inspectImage(await solid('avif'), DEFAULT_LIMITS)).format).toBe('avif');
  });

  it('omits orientation when the image has none', async () => {
    expect(await inspectImage(await solid('png'), DEFAULT_LIMITS)).not.toHaveProperty('orientation');
  });
});

describe('inspectImage: checks in order, before any decode', () => {
  it('EMPTY for zero bytes', async () => {
    const error = await expectCodedError(inspectImage(EMPTY_FILE, DEFAULT_LIMITS), 'EMPTY');
    expect(error.message).toBe('Expected an image, but received an empty file (0 bytes).');
  });

  it('TOO_LARGE above maxBytes, checked before the format', async () => {
    const limits = { ...DEFAULT_LIMITS, maxBytes: 10 };
    const error = await expectCodedError(inspectImage(TEXT_FILE, limits), 'TOO_LARGE');
    expect(error.message).toBe(`Expected at most 10 bytes (10 bytes), but received ${TEXT_FILE.length} bytes (${TEXT_FILE.length} bytes).`);
    await expect(inspectImage(await solid('png'), { ...DEFAULT_LIMITS, maxBytes: (await solid('png')).length })).resolves.toBeDefined();
  });

  it.each([
    ['text named .jpg', TEXT_FILE],
    ['HTML named .jpg', HTML_FILE],
    ['SVG with an external entity', SVG_WITH_EXTERNAL_ENTITY],
    ['HEIC', HEIC_HEADER],
    ['a WAV (RIFF, like WebP)', wavFile()],
    ['an AVI (RIFF, like WebP)', aviFile()],
  ])('UNSUPPORTED_FORMAT for %s, without handing the bytes to any parser', async (_label, bytes) => {
    await expectCodedError(inspectImage(bytes, DEFAULT_LIMITS), 'UNSUPPORTED_FORMAT');
    expect(sharpCalls).not.toHaveBeenCalled();
  });

  it('TOO_MANY_PIXELS for a PNG bomb of a few hundred KB declaring billions of pixels, from its header alone', async () => {
    const bomb = pixelBombPng();
    expect(bomb.length).toBeGreaterThan(100_000);
    expect(bomb.length).toBeLessThan(1_000_000);
    const error = await expectCodedError(inspectImage(bomb, DEFAULT_LIMITS), 'TOO_MANY_PIXELS');
    expect(error.message).toBe(
      'Expected at most 100000000 pixels (100 MP), but the PNG header declares 50000 × 50000 = 2500000000 pixels.',
    );
    // Exactly one sharp instance: the header read. Nothing else was started.
    expect(sharpCalls).toHaveBeenCalledTimes(1);
  });

  it('applies maxPixels exactly at the boundary', async () => {
    const image = await solid('png', 40, 30);
    await expect(inspectImage(image, { ...DEFAULT_LIMITS, maxPixels: 1200 })).resolves.toBeDefined();
    const error = await expectCodedError(inspectImage(image, { ...DEFAULT_LIMITS, maxPixels: 1199 }), 'TOO_MANY_PIXELS');
    expect(error.message).toContain('40 × 30 = 1200 pixels');
  });

  it('TOO_MANY_FRAMES when an animation declares more frames than maxFrames', async () => {
    const gif = await animatedGif();
    await expect(inspectImage(gif, { ...DEFAULT_LIMITS, maxFrames: 3 })).resolves.toBeDefined();
    const error = await expectCodedError(inspectImage(gif, { ...DEFAULT_LIMITS, maxFrames: 2 }), 'TOO_MANY_FRAMES');
    expect(error.message).toBe('Expected at most 2 frames, but the GIF declares 3.');
  });

  it('CORRUPT when the header cannot be read', async () => {
    const png = await solid('png');
    const mangled = Buffer.concat([png.subarray(0, 12), Buffer.alloc(40, 0x5a)]);
    const error = await expectCodedError(inspectImage(mangled, DEFAULT_LIMITS), 'CORRUPT');
    expect(error.message).toMatch(/^Expected a readable PNG header, but it could not be parsed/);
  });

  it('CORRUPT for a truncated JPEG, from its structure', async () => {
    const error = await expectCodedError(inspectImage(truncatedJpeg(photo), DEFAULT_LIMITS), 'CORRUPT');
    expect(error.message).toContain('truncated');
  });

  it('CORRUPT for a header-only JPEG', async () => {
    const error = await expectCodedError(inspectImage(headerOnlyJpeg(photo), DEFAULT_LIMITS), 'CORRUPT');
    expect(error.message).toContain('only the header');
  });
});

describe('jpegStructureProblem', () => {
  it('accepts an intact JPEG, also with data after the end-of-image marker', () => {
    expect(jpegStructureProblem(photo)).toBeNull();
    expect(jpegStructureProblem(Buffer.concat([photo, Buffer.from('trailer written by some cameras')]))).toBeNull();
  });

  it('finds truncation and missing image data', () => {
    expect(jpegStructureProblem(truncatedJpeg(photo, 0.9))).toContain('truncated');
    expect(jpegStructureProblem(headerOnlyJpeg(photo))).toContain('only the header');
    expect(jpegStructureProblem(photo.subarray(0, 200))).toContain('only the header');
    // Fill bytes running into the end of the data, and garbage where a marker belongs.
    expect(jpegStructureProblem(Buffer.from([0xff, 0xd8, 0xff, 0xff, 0xff, 0xc0, 0x00]))).toContain('only the header');
    expect(jpegStructureProblem(Buffer.from([0xff, 0xd8, 0x12, 0x34, 0x56, 0x78]))).toContain('not a JPEG marker');
  });
});

describe('a JPEG whose EXIF block carries a thumbnail (a whole JPEG, end-of-image marker included, before the scan)', () => {
  let withThumbnail: Buffer;
  beforeAll(async () => {
    const main = await photoLikeJpeg(640, 480, { seed: 5 });
    withThumbnail = insertAfterSoi(main, exifWithThumbnail(await sharp(main).resize(160).jpeg({ quality: 70 }).toBuffer()));
  });

  it('passes the header checks when intact', async () => {
    expect(jpegStructureProblem(withThumbnail)).toBeNull();
    await expect(inspectImage(withThumbnail, DEFAULT_LIMITS)).resolves.toMatchObject({ format: 'jpeg', width: 640, height: 480 });
  });

  it('CORRUPT from the header check alone when cut in the scan data: the thumbnail’s FF D9 does not count', async () => {
    const cut = truncatedJpeg(withThumbnail, 0.7);
    expect(jpegStructureProblem(cut)).toBe('image data that stops without an end-of-image marker: the file is truncated');
    const error = await expectCodedError(inspectImage(cut, DEFAULT_LIMITS), 'CORRUPT');
    expect(error.message).toBe('Expected a complete JPEG, but received image data that stops without an end-of-image marker: the file is truncated.');
    // One sharp instance, the header read: the verdict came before any decode.
    expect(sharpCalls).toHaveBeenCalledTimes(1);
  });
});
