import sharp from 'sharp';
import { withDecodingTagsOnly } from '../../../handlers/core/tiff-directory';
import { photoLikeJpeg } from '../../fixtures/images';
import { bigTiffWithMetadataFault, geoTiff, plainTiff, TAG } from '../../fixtures/tiff-files';
import { asciiTag, shortsTag, tiffEntries, tiffValue, toBigEndian, withTiffTags } from '../../fixtures/tiff-tags';

const strict = (bytes: Buffer) => sharp(bytes, { failOn: 'warning' }).raw().toBuffer();

describe('withDecodingTagsOnly', () => {
  it('keeps the layout tags in ascending order and drops the rest, leaving the input as it was', async () => {
    const faulty = withTiffTags(await plainTiff(), [asciiTag(TAG.ImageDescription, 'no NUL', { nul: false })], { unsorted: true });
    const before = Buffer.from(faulty);
    const reduced = withDecodingTagsOnly(faulty)!;
    expect(faulty.equals(before)).toBe(true);
    const tags = tiffEntries(reduced).map((entry) => entry.tag);
    expect(tags).toEqual([256, 257, 258, 259, 262, 273, 274, 277, 278, 279, 284, 317, 339]);
    expect((await strict(reduced)).equals(await strict(await plainTiff()))).toBe(true);
    await expect(strict(faulty)).rejects.toThrow(/failOn/);
  });

  it('drops the GeoTIFF tags and the other pages', async () => {
    const reduced = withDecodingTagsOnly(await geoTiff({ nul: false }))!;
    expect(tiffEntries(reduced).map((entry) => entry.tag)).not.toContain(TAG.GeoAsciiParams);
    const directory = reduced.readUInt32LE(4);
    expect(reduced.readUInt32LE(directory + 2 + tiffEntries(reduced).length * 12)).toBe(0);
  });

  it('keeps a well-formed Orientation and drops one libtiff would ignore', async () => {
    const base = await plainTiff();
    expect(tiffValue(withDecodingTagsOnly(withTiffTags(base, [shortsTag(TAG.Orientation, [6])]))!, TAG.Orientation)).toBe(6);
    for (const malformed of [[6, 6], [9], [0]]) {
      expect(tiffValue(withDecodingTagsOnly(withTiffTags(base, [shortsTag(TAG.Orientation, malformed)]))!, TAG.Orientation)).toBeUndefined();
    }
  });

  it('reads and writes big-endian TIFF and BigTIFF in their own byte order', async () => {
    const bigEndian = withDecodingTagsOnly(toBigEndian(await geoTiff({ nul: false })))!;
    expect(bigEndian.subarray(0, 4)).toEqual(Buffer.from([0x4d, 0x4d, 0x00, 0x2a]));
    const big = withDecodingTagsOnly(await bigTiffWithMetadataFault())!;
    expect(big.subarray(0, 4)).toEqual(Buffer.from([0x49, 0x49, 0x2b, 0x00]));
    const clean = await strict(await plainTiff());
    expect((await strict(bigEndian)).equals(clean)).toBe(true);
    expect((await strict(big)).equals(clean)).toBe(true);
  });

  it('returns null for data that is not a TIFF with a readable first directory', async () => {
    const tiff = await plainTiff();
    const pointing = (offset: number) => {
      const copy = Buffer.from(tiff);
      copy.writeUInt32LE(offset, 4);
      return copy;
    };
    const countAt = tiff.readUInt32LE(4);
    const tooMany = Buffer.from(tiff);
    tooMany.writeUInt16LE(5000, countAt);
    expect(withDecodingTagsOnly(await photoLikeJpeg(64, 48))).toBeNull();
    expect(withDecodingTagsOnly(tiff.subarray(0, 12))).toBeNull();
    expect(withDecodingTagsOnly(pointing(tiff.length + 10))).toBeNull();
    expect(withDecodingTagsOnly(pointing(tiff.length - 4))).toBeNull();
    expect(withDecodingTagsOnly(tooMany)).toBeNull();
  });
});
