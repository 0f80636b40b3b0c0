/**
 * The one full decode of an upload: everything else derives from the raw master it returns.
 */
import sharp from 'sharp';
import { metadataWarnings, reportedLines } from './decoder-warnings';
import { CodedError } from './errors';
import { INPUT_FORMATS } from './format';
import type { ImageInfo } from './inspect';
import type { Limits } from './limits';
import { largestRenditionWidth, maxOutputSide, type Preset } from './preset';
import { fitInside } from './geometry';
import type { RawImage } from './raw-image';
import { withDecodingTagsOnly } from './tiff-directory';

/**
 * The master's size: the widest rendition wide (or the image, when narrower), and short enough
 * for every encoder of the preset — a long scrolling screenshot is scaled down to fit WebP's
 * 16383 px rather than rejected. Never enlarged.
 */
export function masterSize(info: Pick<ImageInfo, 'orientedWidth' | 'orientedHeight'>, preset: Preset): { width: number; height: number } {
  return fitInside(info.orientedWidth, info.orientedHeight, { width: largestRenditionWidth(preset), height: maxOutputSide(preset) });
}

export interface DecodedMaster extends RawImage {
  /**
   * Metadata problems the decoder reported, in libtiff's words (e.g. an ASCII tag without its NUL),
   * at most {@link MAX_RECORDED_WARNINGS}; empty for a clean file.
   */
  readonly warnings: readonly string[];
}

/** A file can hold thousands of malformed tags; the job record names the first few. */
export const MAX_RECORDED_WARNINGS = 10;

/**
 * Recorded when no reported line is worded as a metadata problem ({@link metadataWarnings}): the
 * words were unfamiliar, or reached another decode running at the same time.
 */
export const UNNAMED_METADATA_WARNING = 'libtiff reported a problem in a tag that does not lay out the pixels; the image decodes without that tag';

type Size = { readonly width: number; readonly height: number };

async function decodeOnce(bytes: Buffer, info: ImageInfo, size: Size, limits: Limits): Promise<RawImage> {
  let pipeline = sharp(bytes, { failOn: 'warning', limitInputPixels: limits.maxPixels, pages: 1, autoOrient: true });
  if (size.width < info.orientedWidth) pipeline = pipeline.resize({ ...size, fit: 'fill' });
  const { data, info: out } = await pipeline.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (out.channels !== 3 && out.channels !== 4) {
    throw new CodedError('INTERNAL', `Expected the decoded image to have 3 or 4 channels, but it has ${out.channels}.`);
  }
  return { data, width: out.width, height: out.height, channels: out.channels };
}

function decodeError(error: unknown, info: ImageInfo, limits: Limits): CodedError {
  if (error instanceof CodedError) return error;
  const lines = reportedLines(error);
  // libvips sometimes reports only that a warning was escalated, not the warning itself.
  const detail = lines.length > 0 ? lines.join('; ') : 'damaged data that it could only decode by guessing';
  if (/exceeds pixel limit/i.test(detail)) {
    return new CodedError('TOO_MANY_PIXELS', `Expected at most ${limits.maxPixels} pixels, but the decoder found more (${detail}).`, { cause: error });
  }
  const label = INPUT_FORMATS[info.format].label;
  return new CodedError('CORRUPT', `Expected intact ${label} image data, but the decoder reported: ${detail}.`, { cause: error });
}

/**
 * Decode the upload once into the raw master: first frame only, auto-oriented, shrunk on load to
 * {@link masterSize} (never enlarged), 8-bit sRGB (embedded ICC profiles, CMYK and
 * 16-bit input converted), alpha kept when present.
 *
 * `failOn: 'warning'` makes libvips reject any data the decoder had to repair: truncated files,
 * damaged entropy-coded data ("Corrupt JPEG data: …"), bad checksums. With `'error'` libjpeg's
 * corrupt-data warnings pass silently and a grey-smeared image would be published.
 *
 * libtiff's warnings about malformed metadata tags are escalated too, though the pixels are
 * intact. So when a TIFF fails, the same bytes are decoded once more, still with
 * `failOn: 'warning'`, under a first directory of only the tags that lay out its pixels
 * ({@link withDecodingTagsOnly}): if that succeeds, what stopped the first decode was in the tags
 * that only describe the image. The verdict rests on libvips' own per-image decision both times,
 * never on warning text, which sharp collects process-wide and may hand to another image's decode
 * when several run at once; the text only names the warnings ({@link metadataWarnings}). A clean
 * file is decoded once.
 *
 * @param info from {@link inspectImage} on the same bytes.
 * @throws CodedError `CORRUPT` (damaged data), `TOO_MANY_PIXELS` (if `info` was not from these
 *   bytes).
 */
export async function decodeMaster(bytes: Buffer, info: ImageInfo, preset: Preset, limits: Limits): Promise<DecodedMaster> {
  const size = masterSize(info, preset);
  try {
    return { ...(await decodeOnce(bytes, info, size, limits)), warnings: [] };
  } catch (error) {
    const failure = decodeError(error, info, limits);
    const layoutOnly = info.format === 'tiff' && failure.code === 'CORRUPT' ? withDecodingTagsOnly(bytes) : null;
    if (layoutOnly === null) throw failure;
    let master: RawImage;
    try {
      master = await decodeOnce(layoutOnly, info, size, limits);
    } catch (second) {
      throw decodeError(second, info, limits);
    }
    const named = metadataWarnings(error).slice(0, MAX_RECORDED_WARNINGS);
    return { ...master, warnings: named.length > 0 ? named : [UNNAMED_METADATA_WARNING] };
  }
}
