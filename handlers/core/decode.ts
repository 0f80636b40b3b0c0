/**
 * The one full decode of an upload: everything else derives from the raw master it returns.
 */
import sharp from 'sharp';
import type { OutputInfo } from 'sharp';
import { libvipsDetail } from './describe';
import { ImageError } from './errors';
import { INPUT_FORMATS } from './format';
import type { ImageInfo } from './inspect';
import type { Limits } from './limits';
import { largestRenditionWidth, OUTPUT_FORMATS, plannedOutputs, type Preset } from './preset';
import type { RawImage } from './raw-image';

/** The master's width: the widest rendition, or the (oriented) image width when narrower. Never enlarged. */
export function masterWidth(info: Pick<ImageInfo, 'orientedWidth'>, preset: Preset): number {
  return Math.min(largestRenditionWidth(preset), info.orientedWidth);
}

/** Expected size of a rendition of an image `width` × `height` resized to `target` wide (never enlarged). */
export function renditionSize(width: number, height: number, target: number): { width: number; height: number } {
  if (target >= width) return { width, height };
  return { width: target, height: Math.max(1, Math.round((height * target) / width)) };
}

/**
 * Check, from the header alone, that every output of the preset fits its encoder
 * (WebP ≤ 16383 px, AVIF ≤ 16384 px, JPEG ≤ 65500 px on each side).
 * @throws ImageError `UNSUPPORTED_DIMENSIONS`
 */
export function checkOutputDimensions(info: Pick<ImageInfo, 'orientedWidth' | 'orientedHeight'>, preset: Preset): void {
  for (const output of plannedOutputs(preset)) {
    const size = renditionSize(info.orientedWidth, info.orientedHeight, output.width);
    const { maxDimension, label } = OUTPUT_FORMATS[output.format];
    if (size.width > maxDimension || size.height > maxDimension) {
      throw new ImageError(
        'UNSUPPORTED_DIMENSIONS',
        `Expected every output to fit the ${label} limit of ${maxDimension} × ${maxDimension} pixels, but this ${info.orientedWidth} × ${info.orientedHeight} image would make ${output.name} ${size.width} × ${size.height} pixels.`,
      );
    }
  }
}

/**
 * Decode the upload once into the raw master: first frame only, auto-oriented, shrunk on load to
 * the preset's widest rendition (never enlarged), 8-bit sRGB (embedded ICC profiles, CMYK and
 * 16-bit input converted), alpha kept when present.
 *
 * `failOn: 'warning'` makes libvips reject any data the decoder had to repair: truncated files,
 * damaged entropy-coded data ("Corrupt JPEG data: …"), bad checksums. With `'error'` libjpeg's
 * corrupt-data warnings pass silently and a grey-smeared image would be published.
 *
 * @param info from {@link inspectImage} on the same bytes.
 * @throws ImageError `CORRUPT` (damaged data), `TOO_MANY_PIXELS` (if `info` was not from these
 *   bytes), `UNSUPPORTED_DIMENSIONS`.
 */
export async function decodeMaster(bytes: Buffer, info: ImageInfo, preset: Preset, limits: Limits): Promise<RawImage> {
  checkOutputDimensions(info, preset);
  const width = masterWidth(info, preset);
  let pipeline = sharp(bytes, { failOn: 'warning', limitInputPixels: limits.maxPixels, pages: 1, autoOrient: true });
  if (width < info.orientedWidth) pipeline = pipeline.resize({ width, withoutEnlargement: true });
  let result: { data: Buffer; info: OutputInfo };
  try {
    result = await pipeline.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    const detail = libvipsDetail(error) || 'the data could not be decoded';
    if (/exceeds pixel limit/i.test(detail)) {
      throw new ImageError('TOO_MANY_PIXELS', `Expected at most ${limits.maxPixels} pixels, but the decoder found more (${detail}).`, { cause: error });
    }
    const label = INPUT_FORMATS[info.format].label;
    throw new ImageError('CORRUPT', `Expected intact ${label} image data, but the decoder reported: ${detail}.`, { cause: error });
  }
  const { channels } = result.info;
  if (channels !== 3 && channels !== 4) {
    throw new ImageError('INTERNAL', `Expected the decoded image to have 3 or 4 channels, but it has ${channels}.`);
  }
  return { data: result.data, width: result.info.width, height: result.info.height, channels };
}
