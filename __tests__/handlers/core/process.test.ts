import sharp from 'sharp';
import { decodeMaster } from '../../../handlers/core/decode';
import type { ErrorCode } from '../../../handlers/core/errors';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { DEFAULT_PRESET } from '../../../handlers/core/preset';
import { processImage, type ProcessResult } from '../../../handlers/core/process';
import { expectCodedError } from '../../fixtures/expect-error';
import { countPixels, decode, regionMean } from '../../fixtures/image-stats';
import {
  EMPTY_FILE,
  HEIC_HEADER,
  HTML_FILE,
  SVG_WITH_EXTERNAL_ENTITY,
  TEXT_FILE,
  animatedGif,
  cmykJpeg,
  garbageInScanJpeg,
  headerOnlyJpeg,
  onePixel,
  photoLikeJpeg,
  pixelBombPng,
  png16,
  rgbaPng,
  truncatedJpeg,
} from '../../fixtures/images';

// Observe the one full decode without changing it.
jest.mock('../../../handlers/core/decode', () => {
  const actual = jest.requireActual('../../../handlers/core/decode');
  return { ...actual, decodeMaster: jest.fn(actual.decodeMaster) };
});
const decodeCalls = decodeMaster as jest.MockedFunction<typeof decodeMaster>;

const SEVEN = ['thumb.webp', 'thumb.jpg', 'medium.webp', 'medium.jpg', 'large.webp', 'large.jpg', 'medium-grayscale.webp'];

function run(bytes: Buffer, limits = DEFAULT_LIMITS): Promise<ProcessResult> {
  return processImage(bytes, { preset: DEFAULT_PRESET, limits });
}

function sizes(result: ProcessResult): Record<string, [number, number]> {
  return Object.fromEntries(result.outputs.map((o) => [o.name, [o.width, o.height]]));
}

/** Every output's real format, size and frame count, read back from its bytes. */
async function readBack(result: ProcessResult) {
  return Promise.all(
    result.outputs.map(async (o) => {
      const m = await sharp(o.data).metadata();
      return { name: o.name, format: m.format, width: m.width, height: m.height, pages: m.pages ?? 1, space: m.space, depth: m.depth };
    }),
  );
}

beforeEach(() => decodeCalls.mockClear());

describe('processImage on the default preset', () => {
  it('turns a large photo into the seven outputs: 320, 1024 and 2048 wide, heights by aspect ratio', async () => {
    const result = await run(await photoLikeJpeg(2400, 1600));
    expect(result.outputs.map((o) => o.name)).toEqual(SEVEN);
    expect(sizes(result)).toEqual({
      'thumb.webp': [320, 213],
      'thumb.jpg': [320, 213],
      'medium.webp': [1024, 683],
      'medium.jpg': [1024, 683],
      'large.webp': [2048, 1365],
      'large.jpg': [2048, 1365],
      'medium-grayscale.webp': [1024, 683],
    });
    for (const back of await readBack(result)) {
      const output = result.outputs.find((o) => o.name === back.name)!;
      expect(back).toEqual(expect.objectContaining({ format: output.format, width: output.width, height: output.height, pages: 1 }));
    }
    expect(result.outputs.map((o) => [o.filter, o.format])).toEqual([
      [null, 'webp'], [null, 'jpeg'], [null, 'webp'], [null, 'jpeg'], [null, 'webp'], [null, 'jpeg'], ['grayscale', 'webp'],
    ]);
    // Grey up to WebP's YUV rounding; the colour rendition of the same size is not.
    const nearlyGrey = ([r = 0, g = 0, b = 0]: number[]) => Math.max(r, g, b) - Math.min(r, g, b) <= 4;
    expect(countPixels(await decode(result.outputs[6]!.data), nearlyGrey)).toBe(0);
    expect(countPixels(await decode(result.outputs[2]!.data), nearlyGrey)).toBeGreaterThan(1024 * 683 * 0.5);
    expect(decodeCalls).toHaveBeenCalledTimes(1);
  });

  it('reports each step like the workflow state doing the same work, timed around that work alone', async () => {
    // The decode (ValidateImage's work) sleeps first; the time it really slept must land in that step.
    const actual = jest.requireActual<typeof import('../../../handlers/core/decode')>('../../../handlers/core/decode');
    let sleptMs = 0;
    decodeCalls.mockImplementationOnce(async (...args) => {
      const start = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 30));
      sleptMs = performance.now() - start;
      return actual.decodeMaster(...args);
    });
    const started = performance.now();
    const result = await run(await onePixel());
    const wallMs = performance.now() - started;
    expect(result.steps.map((s) => s.name)).toEqual(['ValidateImage', 'ResizeImage', 'ApplyFilters', 'OptimizeImage']);
    // Steps are rounded to 0.1 ms: allow 0.05 per step either way.
    expect(result.steps[0]!.ms).toBeGreaterThanOrEqual(sleptMs - 0.05);
    expect(result.steps.reduce((sum, step) => sum + step.ms, 0)).toBeLessThanOrEqual(wallMs + 0.2);
    expect(result.info).toEqual(expect.objectContaining({ format: 'png', width: 1, height: 1 }));
  });

  it('auto-orients EXIF orientation 6: width and height swapped, content rotated, tag gone', async () => {
    const result = await run(await photoLikeJpeg(1200, 800, { orientation: 6, markTopLeft: true }));
    expect(sizes(result)).toEqual({
      'thumb.webp': [320, 480],
      'thumb.jpg': [320, 480],
      'medium.webp': [800, 1200],
      'medium.jpg': [800, 1200],
      'large.webp': [800, 1200],
      'large.jpg': [800, 1200],
      'medium-grayscale.webp': [800, 1200],
    });
    const large = await decode(result.outputs.find((o) => o.name === 'large.jpg')!.data);
    const [r = 0, g = 0, b = 0] = regionMean(large, 0.85, 0.01, 0.99, 0.12);
    expect(r).toBeGreaterThan(200);
    expect(g + b).toBeLessThan(80);
    for (const o of result.outputs) expect((await sharp(o.data).metadata()).orientation).toBeUndefined();
  });

  it('strips all metadata: EXIF, XMP, ICC from an input that has all three', async () => {
    const input = await sharp(await photoLikeJpeg(400, 300))
      .withMetadata({ orientation: 1 })
      .withExifMerge({ IFD0: { Copyright: 'someone', Artist: 'camera owner' } })
      .withIccProfile('p3')
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
      .jpeg()
      .toBuffer();
    const inputMetadata = await sharp(input).metadata();
    expect([Boolean(inputMetadata.exif), Boolean(inputMetadata.xmp), Boolean(inputMetadata.icc)]).toEqual([true, true, true]);
    const result = await run(input);
    for (const output of result.outputs) {
      const m = await sharp(output.data).metadata();
      expect({ name: output.name, exif: m.exif, xmp: m.xmp, icc: m.icc, iptc: m.iptc }).toEqual({
        name: output.name,
        exif: undefined,
        xmp: undefined,
        icc: undefined,
        iptc: undefined,
      });
    }
  });

  it('converts CMYK to sRGB outputs', async () => {
    const result = await run(await cmykJpeg(90, 60));
    for (const back of await readBack(result)) expect([back.name, back.space]).toEqual([back.name, 'srgb']);
    const thumb = await decode(result.outputs[1]!.data);
    const [r = 0, g = 0, b = 0] = regionMean(thumb, 0, 0, 0.3, 1);
    expect(r).toBeGreaterThan(150);
    expect(Math.max(g, b)).toBeLessThan(90);
  });

  it('reduces a 16-bit PNG to 8-bit outputs', async () => {
    const result = await run(await png16(90, 60));
    for (const back of await readBack(result)) expect([back.name, back.depth]).toEqual([back.name, 'uchar']);
  });

  it('flattens alpha on white for JPEG and keeps it for WebP', async () => {
    const result = await run(await rgbaPng(400, 300));
    const jpeg = await decode(result.outputs.find((o) => o.name === 'thumb.jpg')!.data);
    expect(jpeg.channels).toBe(3);
    for (const value of regionMean(jpeg, 0.6, 0, 1, 1)) expect(value).toBeGreaterThan(245);
    const webp = await decode(result.outputs.find((o) => o.name === 'thumb.webp')!.data);
    expect(webp.channels).toBe(4);
    expect(regionMean(webp, 0.6, 0, 1, 1)[3]).toBe(0);
    expect(regionMean(webp, 0, 0, 0.4, 1)[3]).toBe(255);
  });

  it('takes the first frame of an animated GIF; no output is animated', async () => {
    const result = await run(await animatedGif(64, 48));
    for (const back of await readBack(result)) expect([back.name, back.width, back.height, back.pages]).toEqual([back.name, 64, 48, 1]);
    const [r = 0, g = 0, b = 0] = regionMean(await decode(result.outputs[0]!.data), 0, 0, 1, 1);
    expect(r).toBeGreaterThan(200);
    expect(g + b).toBeLessThan(60);
  });

  it('never enlarges: a 1 × 1 image gives seven 1 × 1 outputs', async () => {
    const result = await run(await onePixel('jpeg'));
    expect(result.outputs.map((o) => o.name)).toEqual(SEVEN);
    for (const back of await readBack(result)) expect([back.name, back.width, back.height]).toEqual([back.name, 1, 1]);
  });
});

describe('processImage on hostile input', () => {
  let photo: Buffer;
  beforeAll(async () => {
    photo = await photoLikeJpeg(800, 600);
  });

  const rejectedBeforeDecode: [string, () => Buffer, ErrorCode, Partial<typeof DEFAULT_LIMITS>][] = [
    ['an empty file', () => EMPTY_FILE, 'EMPTY', {}],
    ['text named .jpg', () => TEXT_FILE, 'UNSUPPORTED_FORMAT', {}],
    ['HTML named .jpg', () => HTML_FILE, 'UNSUPPORTED_FORMAT', {}],
    ['SVG with an external entity', () => SVG_WITH_EXTERNAL_ENTITY, 'UNSUPPORTED_FORMAT', {}],
    ['HEIC', () => HEIC_HEADER, 'UNSUPPORTED_FORMAT', {}],
    ['a truncated JPEG', () => truncatedJpeg(photo), 'CORRUPT', {}],
    ['a header-only JPEG', () => headerOnlyJpeg(photo), 'CORRUPT', {}],
    ['a PNG pixel bomb', () => pixelBombPng(), 'TOO_MANY_PIXELS', {}],
    ['a file over the byte limit', () => photo, 'TOO_LARGE', { maxBytes: 1000 }],
  ];

  it.each(rejectedBeforeDecode)('%s: rejected by the cheap checks, never decoded', async (_label, bytes, code, limits) => {
    await expectCodedError(run(bytes(), { ...DEFAULT_LIMITS, ...limits }), code);
    expect(decodeCalls).not.toHaveBeenCalled();
  });

  it('a JPEG with garbage in the middle of its scan data: CORRUPT, from the one decode', async () => {
    await expectCodedError(run(garbageInScanJpeg(photo)), 'CORRUPT');
    expect(decodeCalls).toHaveBeenCalledTimes(1);
  });

  it('the intact photo those were made from is fine', async () => {
    await expect(run(photo)).resolves.toEqual(expect.objectContaining({ outputs: expect.any(Array) }));
  });
});
