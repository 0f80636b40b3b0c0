import sharp from 'sharp';
import { decodeMaster, UNNAMED_METADATA_WARNING } from '../../../handlers/core/decode';
import { metadataWarnings } from '../../../handlers/core/decoder-warnings';
import { inspectImage } from '../../../handlers/core/inspect';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { DEFAULT_PRESET } from '../../../handlers/core/preset';
import { expectCodedError } from '../../fixtures/expect-error';
import { garbageInScanJpeg, photoLikeJpeg } from '../../fixtures/images';
import {
  bigTiffWithMetadataFault,
  cmykTiff,
  damagedTiff,
  geoTiff,
  plainTiff,
  TAG,
  tiffWithBadLayoutValue,
  tiffWithGuessedLayout,
  tiffWithMetadataFault,
  tiffWithMetadataFaultAndHiddenDamage,
} from '../../fixtures/tiff-files';
import { asciiTag, shortsTag, toBigEndian, withTiffTags } from '../../fixtures/tiff-tags';

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

  it('reads big-endian TIFF and BigTIFF as well', async () => {
    const clean = await decode(await plainTiff());
    const bigEndian = await decode(toBigEndian(await geoTiff({ nul: false })));
    expect(bigEndian.master.warnings).toEqual([expect.stringMatching(/^ASCII value for ASCII array tag "Tag 34737"/)]);
    expect(bigEndian.master.data.equals(clean.master.data)).toBe(true);
    const big = await decode(await bigTiffWithMetadataFault());
    expect(big.master.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^ASCII value for tag "ImageDescription"/)]));
    expect(big.master.data.equals(clean.master.data)).toBe(true);
  });

  it('keeps what the pixels need: a well-formed Orientation and the ICC profile', async () => {
    const fault = asciiTag(TAG.ImageDescription, 'Plate 4', { nul: false });
    const rotated = await decode(withTiffTags(await plainTiff(), [shortsTag(TAG.Orientation, [6]), fault]));
    expect(rotated.master.warnings).toHaveLength(1);
    expect([rotated.master.width, rotated.master.height]).toEqual([240, 320]);
    const cmyk = await cmykTiff();
    const profiled = await decode(withTiffTags(cmyk, [fault]));
    expect(profiled.master.data.equals((await decode(cmyk)).master.data)).toBe(true);
  });

  it('decodes a clean file once, and a file with a metadata warning twice', async () => {
    expect((await decode(await photoLikeJpeg(640, 480))).decodes).toBe(1);
    expect((await decode(await plainTiff())).decodes).toBe(1);
    expect((await decode(await geoTiff({ nul: false }))).decodes).toBe(2);
  });

  it('gives the same verdicts when many decodes run at once, though sharp may then report a warning to another image', async () => {
    const files = {
      metadata: await geoTiff({ nul: false }),
      hidden: await tiffWithMetadataFaultAndHiddenDamage(),
      clean: await photoLikeJpeg(1200, 900),
      damaged: garbageInScanJpeg(await photoLikeJpeg(1200, 900)),
    };
    const verdict = async (bytes: Buffer) => {
      const info = await inspectImage(bytes, DEFAULT_LIMITS);
      return decodeMaster(bytes, info, DEFAULT_PRESET, DEFAULT_LIMITS).then(
        (master) => (master.warnings.length > 0 ? 'accepted with warnings' : 'accepted'),
        (error: { code?: string }) => error.code,
      );
    };
    const names = Array.from({ length: 6 }, () => Object.keys(files) as (keyof typeof files)[]).flat();
    const verdicts = await Promise.all(names.map((name) => verdict(files[name])));
    const expected = { metadata: 'accepted with warnings', hidden: 'CORRUPT', clean: 'accepted', damaged: 'CORRUPT' };
    expect(verdicts).toEqual(names.map((name) => expected[name]));
  });
});

describe('decodeMaster keeps damaged data CORRUPT', () => {
  it('when libtiff guesses the pixel layout (BitsPerSample with too few values)', async () => {
    const { error, decodes } = await expectCorrupt(await tiffWithGuessedLayout());
    expect(error.message).toMatch(/^Expected intact TIFF image data, but the decoder reported: Tag BitsPerSample entry count is 2/);
    expect(decodes).toBe(2);
  });

  it('when a metadata warning stopped the first decode before it reached the damaged strip', async () => {
    const { error, decodes } = await expectCorrupt(await tiffWithMetadataFaultAndHiddenDamage());
    expect(error.message).toBe('Expected intact TIFF image data, but the decoder reported: Corrupt JPEG data: premature end of data segment.');
    expect(decodes).toBe(2);
  });

  it.each([
    ['garbage in the compressed data of a TIFF', () => damagedTiff()],
    ['the same with a malformed tag too', () => damagedTiff({ metadataFault: true })],
  ])('for %s, decoding it twice', async (_label, build) => {
    const { error, decodes } = await expectCorrupt(await build());
    expect(error.message).toMatch(/^Expected intact TIFF image data, but the decoder reported: Using code not yet in table/);
    expect(decodes).toBe(2);
  });

  it('for garbage in the scan data of a JPEG, decoding once', async () => {
    const { error, decodes } = await expectCorrupt(garbageInScanJpeg(await photoLikeJpeg(640, 480)));
    expect(error.message).toMatch(/^Expected intact JPEG image data, but the decoder reported: Corrupt JPEG data/);
    expect(decodes).toBe(1);
  });
});

describe('naming the warnings', () => {
  const escalated = (...lines: string[]) => new Error(['Warning treated as error due to failOn setting', ...lines, 'error in tile 0 x 0'].join('\n'));

  it('names the lines worded as a metadata problem and nothing else the decoder reported', () => {
    const error = escalated('Incorrect count for "XResolution"; tag ignored', 'Corrupt JPEG data: bad Huffman code', 'tiff2vips: corrupt profile');
    expect(metadataWarnings(error)).toEqual(['Incorrect count for "XResolution"; tag ignored', 'corrupt profile']);
    expect(metadataWarnings(escalated('Tag BitsPerSample entry count is 2 , whereas it should be SamplesPerPixel=3'))).toEqual([]);
    expect(metadataWarnings(escalated())).toEqual([]);
  });

  it('names libtiff’s error about a descriptive tag’s value too, which libvips refuses even at failOn "error"', async () => {
    const bytes = await tiffWithMetadataFault('orientation-value');
    await expect(sharp(bytes, { failOn: 'error' }).raw().toBuffer()).rejects.toThrow('Bad value 9 for "Orientation" tag');
    expect((await decode(bytes)).master.warnings).toEqual(['Bad value 9 for "Orientation" tag']);
    const { error } = await expectCorrupt(await tiffWithBadLayoutValue());
    expect(error.message).toBe('Expected intact TIFF image data, but the decoder reported: Bad value 9 for "FillOrder" tag.');
  });

  it('accepts an unfamiliar complaint about a dropped tag without naming it', async () => {
    const bytes = await tiffWithMetadataFault('private-tag-unknown-type');
    await expect(sharp(bytes, { failOn: 'error' }).raw().toBuffer()).rejects.toThrow(/custom tag 65001 .* is TIFF_SETGET_UNDEFINED/);
    expect((await decode(bytes)).master.warnings).toEqual([UNNAMED_METADATA_WARNING]);
  });

  it('drops an ICC profile that lies past the end of the file, as libtiff does', async () => {
    const { master } = await decode(await tiffWithMetadataFault('icc-past-end'));
    expect(master.warnings).toEqual(['IO error during reading of "ICC Profile"; tag ignored']);
  });
});
