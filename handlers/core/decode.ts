/**
 * The one full decode of an upload: everything else derives from the raw master it returns.
 */
import sharp from 'sharp';
import type { OutputInfo } from 'sharp';
import { libvipsDetail } from './describe';
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

/**
 * Decode the upload once into the raw master: first frame only, auto-oriented, shrunk on load to
 * {@link masterSize} (never enlarged), 8-bit sRGB (embedded ICC profiles, CMYK and
 * 16-bit input converted), alpha kept when present.
 *
 * `failOn: 'warning'` makes libvips reject any data the decoder had to repair: truncated files,
 * damaged entropy-coded data ("Corrupt JPEG data: …"), bad checksums. With `'error'` libjpeg's
 * corrupt-data warnings pass silently and a grey-smeared image would be published.
 *
 * @param info from {@link inspectImage} on the same bytes.
 * @throws CodedError `CORRUPT` (damaged data), `TOO_MANY_PIXELS` (if `info` was not from these
 *   bytes).
 */
export async function decodeMaster(bytes: Buffer, info: ImageInfo, preset: Preset, limits: Limits): Promise<RawImage> {
  const size = masterSize(info, preset);
  let pipeline = sharp(bytes, { failOn: 'warning', limitInputPixels: limits.maxPixels, pages: 1, autoOrient: true });
  if (size.width < info.orientedWidth) pipeline = pipeline.resize({ ...size, fit: 'fill' });
  let result: { data: Buffer; info: OutputInfo };
  try {
    result = await pipeline.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    // libvips sometimes reports only that a warning was escalated, not the warning itself.
    const reported = libvipsDetail(error);
    const detail = !reported || /failOn/i.test(reported) ? 'damaged data that it could only decode by guessing' : reported;
    if (/exceeds pixel limit/i.test(detail)) {
      throw new CodedError('TOO_MANY_PIXELS', `Expected at most ${limits.maxPixels} pixels, but the decoder found more (${detail}).`, { cause: error });
    }
    const label = INPUT_FORMATS[info.format].label;
    throw new CodedError('CORRUPT', `Expected intact ${label} image data, but the decoder reported: ${detail}.`, { cause: error });
  }
  const { channels } = result.info;
  if (channels !== 3 && channels !== 4) {
    throw new CodedError('INTERNAL', `Expected the decoded image to have 3 or 4 channels, but it has ${channels}.`);
  }
  return { data: result.data, width: result.info.width, height: result.info.height, channels };
}
