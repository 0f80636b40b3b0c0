/**
 * The one full decode of an upload: everything else derives from the raw master it returns.
 */
import sharp from 'sharp';
import { classifyDecoderFailure, isMetadataWarning, reportedLines, warningLines, type DecoderFailure } from './decoder-warnings';
import { CodedError } from './errors';
import { INPUT_FORMATS } from './format';
import type { ImageInfo } from './inspect';
import type { Limits } from './limits';
import { largestRenditionWidth, maxOutputSide, type Preset } from './preset';
import { fitInside } from './geometry';
import type { RawImage } from './raw-image';

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
   * Metadata problems the decoder reported and repaired or skipped (libtiff's words, e.g. an
   * ASCII tag without its NUL), at most {@link MAX_RECORDED_WARNINGS}; empty for a clean file.
   */
  readonly warnings: readonly string[];
}

/** A file can hold thousands of malformed tags; the job record names the first few. */
export const MAX_RECORDED_WARNINGS = 10;

type Size = { readonly width: number; readonly height: number };

async function decodeOnce(
  bytes: Buffer,
  info: ImageInfo,
  size: Size,
  limits: Limits,
  failOn: 'warning' | 'error',
  onWarning?: (warning: string) => void,
): Promise<RawImage> {
  let pipeline = sharp(bytes, { failOn, limitInputPixels: limits.maxPixels, pages: 1, autoOrient: true });
  if (onWarning) pipeline.on('warning', onWarning);
  if (size.width < info.orientedWidth) pipeline = pipeline.resize({ ...size, fit: 'fill' });
  const { data, info: out } = await pipeline.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (out.channels !== 3 && out.channels !== 4) {
    throw new CodedError('INTERNAL', `Expected the decoded image to have 3 or 4 channels, but it has ${out.channels}.`);
  }
  return { data, width: out.width, height: out.height, channels: out.channels };
}

function decodeError(error: unknown, lines: readonly string[], info: ImageInfo, limits: Limits): CodedError {
  if (error instanceof CodedError) return error;
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
 * corrupt-data warnings pass silently and a grey-smeared image would be published. libtiff's
 * warnings about malformed metadata tags are escalated too, though the pixels are intact: when
 * those alone stopped the decode ({@link classifyDecoderFailure}), it is repeated with
 * `failOn: 'error'`, listening to every warning, and succeeds only if each one is about metadata.
 * So a clean file is decoded once, and only a file whose decode raised a warning twice.
 *
 * sharp collects libvips' warnings in one queue for the whole process and hands them to whichever
 * operation finishes next, so that listening attributes warnings to the right image only when no
 * other decode runs at the same time, as in a Lambda invocation. Whether an image had a warning at
 * all is libvips' own per-image decision and does not depend on it.
 *
 * @param info from {@link inspectImage} on the same bytes.
 * @throws CodedError `CORRUPT` (damaged data), `TOO_MANY_PIXELS` (if `info` was not from these
 *   bytes).
 */
export async function decodeMaster(bytes: Buffer, info: ImageInfo, preset: Preset, limits: Limits): Promise<DecodedMaster> {
  const size = masterSize(info, preset);
  let first: DecoderFailure;
  try {
    return { ...(await decodeOnce(bytes, info, size, limits, 'warning')), warnings: [] };
  } catch (error) {
    first = classifyDecoderFailure(error);
    if (first.kind === 'damage') throw decodeError(error, first.lines, info, limits);
  }
  const heard: string[] = [];
  let master: RawImage;
  try {
    master = await decodeOnce(bytes, info, size, limits, 'error', (warning) => heard.push(warning));
  } catch (error) {
    throw decodeError(error, reportedLines(error), info, limits);
  }
  const lines = warningLines(heard);
  const damage = lines.filter((line) => !isMetadataWarning(line));
  if (damage.length > 0) throw decodeError(new Error(damage.join('\n')), damage, info, limits);
  const warnings = [...new Set([...first.warnings, ...lines])].slice(0, MAX_RECORDED_WARNINGS);
  return { ...master, warnings };
}
