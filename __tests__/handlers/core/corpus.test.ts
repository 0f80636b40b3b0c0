/**
 * Every file of the corpus gets the verdict docs/corpus.md gives it, and the files that are
 * accepted decode to what went into them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeMaster, type DecodedMaster } from '../../../handlers/core/decode';
import { isCodedError } from '../../../handlers/core/errors';
import { inspectImage, type ImageInfo } from '../../../handlers/core/inspect';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { DEFAULT_PRESET } from '../../../handlers/core/preset';
import { CORPUS, type Verdict } from '../../fixtures/corpus';
import { countPixels, isGrey, meanAbsoluteDifference, regionMean } from '../../fixtures/image-stats';
import { photoLikeRaw, startOfScan } from '../../fixtures/images';
import { cielab16Tiff, cielab8Tiff, cmykTiff, faxTiff, multiPageTiff } from '../../fixtures/tiff-files';
import { corpusPhoto, displayP3Jpeg, exifThumbnailJpeg, gainMapJpeg, grey16AlphaPng, highBitDepthAvif, proPhotoJpeg } from '../../fixtures/unusual-images';

async function process(bytes: Buffer): Promise<{ verdict: Verdict; info?: ImageInfo; master?: DecodedMaster }> {
  try {
    const info = await inspectImage(bytes, DEFAULT_LIMITS);
    const master = await decodeMaster(bytes, info, DEFAULT_PRESET, DEFAULT_LIMITS);
    return { verdict: master.warnings.length > 0 ? 'accepted with warnings' : 'accepted', info, master };
  } catch (error) {
    if (isCodedError(error)) return { verdict: error.code };
    throw error;
  }
}

async function accepted(bytes: Buffer): Promise<{ info: ImageInfo; master: DecodedMaster }> {
  const { info, master, verdict } = await process(bytes);
  if (!info || !master) throw new Error(`expected the file to be accepted, but it was refused ${verdict}`);
  return { info, master };
}

/** The rows of docs/corpus.md's table (cells split at unescaped `|`): file name (first column) and verdict (third). */
function documentedVerdicts(): Record<string, string> {
  const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'corpus.md'), 'utf8');
  const rows = doc.split('\n').filter((line) => /^\| `[^`]+` \|/.test(line));
  const cells = (row: string) => row.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/`/g, ''));
  return Object.fromEntries(rows.map(cells).map((row) => [row[1], row[3]]));
}

describe('the corpus', () => {
  it.each(CORPUS.map((file) => [file.name, file] as const))('%s', async (_name, file) => {
    expect((await process(await file.build())).verdict).toBe(file.verdict);
  });

  it('is what docs/corpus.md lists, file by file and verdict by verdict', () => {
    expect(documentedVerdicts()).toEqual(Object.fromEntries(CORPUS.map((file) => [file.name, file.verdict])));
  });
});

describe('accepted corpus files decode to what went into them', () => {
  it('converts Display P3 and ProPhoto RGB to sRGB through their profiles, which the stored values need', async () => {
    const source = await corpusPhoto();
    for (const bytes of [await displayP3Jpeg(), await proPhotoJpeg()]) {
      const { master } = await accepted(bytes);
      const unconverted = await sharp(bytes, { ignoreIcc: true }).raw().toBuffer({ resolveWithObject: true });
      const ignoringProfile = meanAbsoluteDifference({ data: unconverted.data, ...unconverted.info }, source);
      expect(meanAbsoluteDifference(master, source)).toBeLessThan(3.5);
      expect(ignoringProfile).toBeGreaterThan(1.5 * meanAbsoluteDifference(master, source));
    }
  });

  it('reduces 10- and 12-bit AVIF to 8 bits, close to the source', async () => {
    const source = await corpusPhoto();
    for (const bitdepth of [10, 12] as const) {
      const bytes = await highBitDepthAvif(bitdepth);
      // No nclx colour box: nothing signals PQ or HLG, so these are high-bit-depth SDR.
      expect(bytes.indexOf('nclx', 0, 'latin1')).toBe(-1);
      const { info, master } = await accepted(bytes);
      expect(info.depth).toBe('ushort');
      expect(meanAbsoluteDifference(master, source)).toBeLessThan(3);
    }
  });

  it('converts 16-bit CIELAB exactly and CMYK (through its profile) closely to the source', async () => {
    const lab = await accepted(await cielab16Tiff());
    expect(lab.info.space).toBe('labs');
    expect(meanAbsoluteDifference(lab.master, await photoLikeRaw(160, 120, 51))).toBeLessThan(0.5);
    const cmyk = await accepted(await cmykTiff());
    expect(cmyk.info).toMatchObject({ space: 'cmyk', hasProfile: true });
    expect(meanAbsoluteDifference(cmyk.master, await photoLikeRaw(160, 120, 61))).toBeLessThan(15);
  });

  it('decodes the first page of a multi-page TIFF, and a G4 fax as black and white', async () => {
    const pages = await accepted(await multiPageTiff());
    expect(pages.info.pages).toBe(3);
    expect(meanAbsoluteDifference(pages.master, await photoLikeRaw(160, 120, 31))).toBe(0);
    const fax = await accepted(await faxTiff());
    expect(countPixels(fax.master, (pixel) => isGrey(pixel) && (pixel[0] === 0 || pixel[0] === 255))).toBe(0);
  });

  it('keeps 16-bit grey with alpha as grey with its alpha', async () => {
    const { master } = await accepted(await grey16AlphaPng());
    expect(master.channels).toBe(4);
    expect(countPixels(master, isGrey)).toBe(0);
    expect(regionMean(master, 0, 0, 1, 1)[3]).toBeCloseTo(128, -1);
  });

  it('decodes the primary image of a gain-map JPEG and of a JPEG with an EXIF thumbnail, never the other image', async () => {
    const gainMap = await gainMapJpeg();
    const { gainMap: map } = await sharp(gainMap).metadata();
    expect((await sharp(map!.image).metadata()).width).toBeLessThan(160);
    for (const bytes of [gainMap, await exifThumbnailJpeg()]) {
      const { master } = await accepted(bytes);
      expect([master.width, master.height]).toEqual([160, 120]);
    }
  });

  it('cuts the truncated gain-map JPEG inside the primary image’s scan data', async () => {
    const gainMap = await gainMapJpeg();
    const cut = await CORPUS.find((file) => file.name === 'gain-map-truncated.jpg')!.build();
    expect(cut.length).toBeGreaterThan(startOfScan(gainMap) + 100);
    expect(cut.indexOf(Buffer.from([0xff, 0xd9]), startOfScan(gainMap))).toBe(-1);
  });

  it('refuses 8-bit CIELAB, which libvips cannot open (a false rejection, documented)', async () => {
    const bytes = await cielab8Tiff();
    await expect(inspectImage(bytes, DEFAULT_LIMITS)).rejects.toThrow('Expected a readable TIFF header, but it could not be parsed (image: bad labq format).');
  });
});
