import sharp from 'sharp';
import { decodeMaster } from '../../../handlers/core/decode';
import { classifyDecoderFailure, isMetadataWarning } from '../../../handlers/core/decoder-warnings';
import { inspectImage } from '../../../handlers/core/inspect';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { DEFAULT_PRESET } from '../../../handlers/core/preset';
import { expectCodedError } from '../../fixtures/expect-error';
import { garbageInScanJpeg, photoLikeJpeg } from '../../fixtures/images';
import {
  damagedTiff,
  geoTiff,
  plainTiff,
  tiffWithGuessedLayout,
  tiffWithMetadataFault,
  tiffWithMetadataFaultAndHiddenDamage,
} from '../../fixtures/tiff-files';

// Count sharp instances: each decode is one.
jest.mock('sharp', () => {
  const actual = jest.requireActual('sharp');
  const wrapped = jest.fn((...args: unknown[]) => actual(...args));
  return Object.assign(wrapped, actual);
});
const sharpCalls = sharp as unknown as jest.Mock;

/** decodeMaster on the bytes, and how many sharp instances it started. */
async function decode(bytes: Buffer) {
  const info = await inspectImage(bytes, DEFAULT_LIMITS);
  sharpCalls.mockClear();
  const master = await decodeMaster(bytes, info, DEFAULT_PRESET, DEFAULT_LIMITS);
  return { master, decodes: sharpCalls.mock.calls.length };
}

async function expectCorrupt(bytes: Buffer) {
  const info = await inspectImage(bytes, DEFAULT_LIMITS);
  sharpCalls.mockClear();
  const error = await expectCodedError(decodeMaster(bytes, info, DEFAULT_PRESET, DEFAULT_LIMITS), 'CORRUPT');
  return { error, decodes: sharpCalls.mock.calls.length };
}

describe('decodeMaster lets metadata warnings through and names them', () => {
  it('decodes a GeoTIFF whose GeoAsciiParams lacks its NUL to the same pixels as the intact GeoTIFF, with the warning', async () => {
    const intact = await decode(await geoTiff());
    const faulty = await decode(await geoTiff({ nul: false }));
    expect(intact.master.warnings).toEqual([]);
    expect(faulty.master.warnings).toEqual(['ASCII value for ASCII array tag "Tag 34737" does not end in null byte. Forcing it to be null']);
    expect({ width: faulty.master.width, height: faulty.master.height }).toEqual({ width: 320, height: 240 });
    expect(faulty.master.data.equals(intact.master.data)).toBe(true);
  });

  it.each([
    ['an ImageDescription without its NUL', 'description-without-nul', /^ASCII value for tag "ImageDescription" does not end in null byte/],
    ['directory entries out of order', 'unsorted-tags', /^Invalid TIFF directory; tags are not sorted in ascending order$/],
    ['an Orientation with two values', 'orientation-count', /^Incorrect count for "Orientation"; tag ignored$/],
  ] as const)('decodes a TIFF with %s to the pixels of the file without the fault', async (_label, fault, warning) => {
    const clean = await decode(await plainTiff());
    const { master } = await decode(await tiffWithMetadataFault(fault));
    expect(master.warnings).toEqual([expect.stringMatching(warning)]);
    expect(master.data.equals(clean.master.data)).toBe(true);
  });

  it('decodes a clean file once, and a file with a metadata warning twice', async () => {
    expect((await decode(await photoLikeJpeg(640, 480))).decodes).toBe(1);
    expect((await decode(await plainTiff())).decodes).toBe(1);
    expect((await decode(await geoTiff({ nul: false }))).decodes).toBe(2);
  });
});

describe('decodeMaster keeps damaged data CORRUPT', () => {
  it('when libtiff guesses the pixel layout (BitsPerSample with too few values)', async () => {
    const { error, decodes } = await expectCorrupt(await tiffWithGuessedLayout());
    expect(error.message).toMatch(/^Expected intact TIFF image data, but the decoder reported: Tag BitsPerSample entry count is 2/);
    expect(decodes).toBe(1);
  });

  it('when a metadata warning stopped the first decode before it reached the damaged strip', async () => {
    const { error, decodes } = await expectCorrupt(await tiffWithMetadataFaultAndHiddenDamage());
    expect(error.message).toBe('Expected intact TIFF image data, but the decoder reported: Corrupt JPEG data: premature end of data segment.');
    expect(decodes).toBe(2);
  });

  it.each([
    ['garbage in the compressed data of a TIFF', () => damagedTiff(), 1],
    ['the same with a malformed tag too (the second decode finds it)', () => damagedTiff({ metadataFault: true }), 2],
  ])('for %s', async (_label, build, expectedDecodes) => {
    const { error, decodes } = await expectCorrupt(await build());
    expect(error.message).toMatch(/^Expected intact TIFF image data, but the decoder reported: Using code not yet in table/);
    expect(decodes).toBe(expectedDecodes);
  });

  it('for garbage in the scan data of a JPEG, decoding once', async () => {
    const { error, decodes } = await expectCorrupt(garbageInScanJpeg(await photoLikeJpeg(640, 480)));
    expect(error.message).toMatch(/^Expected intact JPEG image data, but the decoder reported: Corrupt JPEG data/);
    expect(decodes).toBe(1);
  });
});

describe('classifyDecoderFailure', () => {
  const escalated = (...lines: string[]) => new Error(['Warning treated as error due to failOn setting', ...lines, 'error in tile 0 x 0'].join('\n'));

  it('calls an escalated failure metadata only when every line it reports is a metadata warning', () => {
    expect(classifyDecoderFailure(escalated('ASCII value for tag "Artist" does not end in null byte. Forcing it to be null'))).toEqual({
      kind: 'metadata',
      warnings: ['ASCII value for tag "Artist" does not end in null byte. Forcing it to be null'],
    });
    expect(classifyDecoderFailure(escalated('Incorrect count for "XResolution"; tag ignored', 'Corrupt JPEG data: bad Huffman code'))).toEqual({
      kind: 'damage',
      lines: ['Incorrect count for "XResolution"; tag ignored', 'Corrupt JPEG data: bad Huffman code'],
    });
  });

  it('calls it damage when nothing says a warning was escalated, or nothing specific was said', () => {
    expect(classifyDecoderFailure(new Error('Incorrect count for "XResolution"; tag ignored')).kind).toBe('damage');
    expect(classifyDecoderFailure(escalated())).toEqual({ kind: 'damage', lines: [] });
  });

  it('lets through a tag that only describes the image, never one that lays out the pixels', () => {
    expect(isMetadataWarning('Incorrect count for "PageNumber"; tag ignored')).toBe(true);
    expect(isMetadataWarning('incorrect count for field "PageNumber", expected 2, got 1')).toBe(true);
    expect(isMetadataWarning('ASCII value for ASCII array tag "Tag 34737" does not end in null byte. Forcing it to be null')).toBe(true);
    expect(isMetadataWarning('Incorrect count for "StripByteCounts"; tag ignored')).toBe(false);
    expect(isMetadataWarning('Incorrect count for "Compression"; tag ignored')).toBe(false);
    expect(isMetadataWarning('Premature end of JPEG file')).toBe(false);
  });
});
