/**
 * The cheap checks, in order of cost, before anything decodes a pixel:
 *   1. empty                      → EMPTY
 *   2. larger than maxBytes       → TOO_LARGE
 *   3. magic bytes not allowed    → UNSUPPORTED_FORMAT (SVG, HTML, text, PDF, HEIC, … never reach a parser)
 *   4. header unreadable          → CORRUPT            (sharp `metadata()`: header only)
 *   5. width × height > maxPixels → TOO_MANY_PIXELS    (a PNG declaring billions of pixels costs microseconds)
 *   6. frames > maxFrames         → TOO_MANY_FRAMES
 *   7. JPEG structure             → CORRUPT            (header only, or truncated: no end-of-image marker)
 * The full decode ({@link decodeMaster}) proves the rest of the data is intact.
 */
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import { formatMegapixels, libvipsDetail } from './describe';
import { CodedError } from './errors';
import type { DecodeHeader } from './memory';
import { INPUT_FORMATS, requireSupportedFormat, type ImageFormat } from './format';
import { tooLargeError, type Limits } from './limits';

export interface ImageInfo {
  /** Detected from magic bytes (AVIF is `avif` here, though sharp calls its loader `heif`). */
  readonly format: ImageFormat;
  readonly mediaType: string;
  /** As stored, before EXIF orientation; for animated or multi-page images, of one frame. */
  readonly width: number;
  readonly height: number;
  /** After EXIF orientation: what the outputs are derived from. */
  readonly orientedWidth: number;
  readonly orientedHeight: number;
  /** Frames or pages; 1 for still images. */
  readonly pages: number;
  /** Size of the upload. */
  readonly bytes: number;
  readonly hasAlpha: boolean;
  /** libvips interpretation, e.g. `srgb`, `cmyk`, `b-w`, `rgb16`. */
  readonly space: string;
  /** libvips band format, e.g. `uchar`, `ushort`. */
  readonly depth: string;
  readonly channels: number;
  /** Whether an ICC profile is embedded (it is used to convert to sRGB, never copied to outputs). */
  readonly hasProfile: boolean;
  /** EXIF orientation 1–8, when the image has one. */
  readonly orientation?: number;
}

/** libvips' own limit on channels (sharp's `limitInputChannels` default). */
const MAX_CHANNELS = 5;

const EOI = Buffer.from([0xff, 0xd9]);

/**
 * Walk the JPEG's marker segments to the first start-of-scan, then look for an end-of-image
 * marker after it (entropy-coded data cannot contain FF D9). Reads no pixels; `null` when fine.
 */
export function jpegStructureProblem(bytes: Buffer): string | null {
  let pos = 2;
  let sos = -1;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return `bytes that are not a JPEG marker at offset ${pos}`;
    let marker = bytes[pos + 1] ?? 0;
    while (marker === 0xff && pos + 2 < bytes.length) {
      pos += 1;
      marker = bytes[pos + 1] ?? 0;
    }
    if (marker === 0xda) {
      sos = pos;
      break;
    }
    if (marker === 0xd9) return 'an end-of-image marker before any image data';
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      pos += 2;
      continue;
    }
    if (pos + 4 > bytes.length) break;
    const length = bytes.readUInt16BE(pos + 2);
    if (length < 2) return `a marker segment with an invalid length at offset ${pos}`;
    pos += 2 + length;
  }
  if (sos < 0 || sos + 4 > bytes.length) return 'only the header: the data ends before the image data starts';
  if (sos + 2 + bytes.readUInt16BE(sos + 2) >= bytes.length) return 'only the header: the data ends right after the start-of-scan header';
  if (bytes.indexOf(EOI, sos + 2) < 0) return 'image data that stops without an end-of-image marker: the file is truncated';
  return null;
}

/** Pixels and frames as the header declares them, against the limits; returns the frames. */
function checkDeclaredSize(label: string, metadata: Pick<Metadata, 'width' | 'height' | 'pages'>, limits: Limits): number {
  const { width, height } = metadata;
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    throw new CodedError(
      'TOO_MANY_PIXELS',
      `Expected at most ${limits.maxPixels} pixels (${formatMegapixels(limits.maxPixels)}), but the ${label} header declares ${width} × ${height} = ${pixels} pixels.`,
    );
  }
  const pages = metadata.pages ?? 1;
  if (pages > limits.maxFrames) {
    throw new CodedError('TOO_MANY_FRAMES', `Expected at most ${limits.maxFrames} frames, but the ${label} declares ${pages}.`);
  }
  return pages;
}

/**
 * How many leading bytes of an upload are read first: the headers of the accepted formats lie
 * within them in practice (a JPEG with a large EXIF block or ICC profile may push its frame
 * header further; the full read then decides).
 */
export const HEADER_PREFIX_BYTES = 64 * 1024;

/**
 * The verdicts the first bytes of an upload give on their own, so a bogus or oversized upload is
 * refused before the rest is downloaded: the format from its magic bytes, and — when the header
 * lies within `prefix` — the pixels and frames it declares (frames counted so far: a lower
 * bound). Resolves without a verdict when the prefix cannot tell; {@link inspectImage} on the
 * whole upload then decides.
 * @throws CodedError UNSUPPORTED_FORMAT | TOO_MANY_PIXELS | TOO_MANY_FRAMES
 */
export async function inspectHeader(prefix: Buffer, limits: Limits): Promise<void> {
  const detected = requireSupportedFormat(prefix);
  let metadata: Metadata;
  try {
    metadata = await sharp(prefix, { limitInputPixels: false }).metadata();
  } catch {
    return;
  }
  if (!(metadata.width > 0 && metadata.height > 0) || metadata.format !== INPUT_FORMATS[detected.format].sharpFormat) return;
  checkDeclaredSize(detected.label, metadata, limits);
}

/**
 * Check an upload against the limits and read its header. Never decodes pixel data.
 * @throws CodedError EMPTY | TOO_LARGE | UNSUPPORTED_FORMAT | CORRUPT | TOO_MANY_PIXELS | TOO_MANY_FRAMES
 */
export async function inspectImage(bytes: Buffer, limits: Limits): Promise<ImageInfo> {
  if (bytes.length === 0) {
    throw new CodedError('EMPTY', 'Expected an image, but received an empty file (0 bytes).');
  }
  if (bytes.length > limits.maxBytes) throw tooLargeError(limits.maxBytes, bytes.length);
  const detected = requireSupportedFormat(bytes);

  let metadata: Metadata;
  try {
    // Header only. The pixel limit is applied below with a clearer message, so libvips' own
    // limit is lifted here (it would otherwise reject before we could say what the header declares).
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    const detail = libvipsDetail(error);
    throw new CodedError(
      'CORRUPT',
      `Expected a readable ${detected.label} header, but it could not be parsed${detail ? ` (${detail})` : ''}.`,
      { cause: error },
    );
  }
  const { width, height } = metadata;
  if (!(width > 0 && height > 0)) {
    throw new CodedError('CORRUPT', `Expected the ${detected.label} header to declare a size, but it declares ${width} × ${height}.`);
  }
  if (metadata.format !== INPUT_FORMATS[detected.format].sharpFormat) {
    throw new CodedError(
      'UNSUPPORTED_FORMAT',
      `Expected the data to decode as ${detected.label}, as its first bytes say, but the decoder identifies it as ${String(metadata.format)}.`,
    );
  }
  const pages = checkDeclaredSize(detected.label, metadata, limits);
  if (metadata.channels > MAX_CHANNELS) {
    throw new CodedError(
      'UNSUPPORTED_FORMAT',
      `Expected at most ${MAX_CHANNELS} channels (RGB or CMYK, with alpha), but the ${detected.label} declares ${metadata.channels}.`,
    );
  }
  if (detected.format === 'jpeg') {
    const problem = jpegStructureProblem(bytes);
    if (problem !== null) throw new CodedError('CORRUPT', `Expected a complete JPEG, but received ${problem}.`);
  }
  const orientation = metadata.orientation;
  return {
    format: detected.format,
    mediaType: detected.mediaType,
    width,
    height,
    orientedWidth: metadata.autoOrient.width,
    orientedHeight: metadata.autoOrient.height,
    pages,
    bytes: bytes.length,
    hasAlpha: metadata.hasAlpha,
    space: metadata.space,
    depth: metadata.depth,
    channels: metadata.channels,
    hasProfile: metadata.hasProfile,
    ...(orientation !== undefined && orientation >= 1 && orientation <= 8 ? { orientation } : {}),
  };
}

/**
 * What decoding the image takes, from its first bytes alone when its header lies within them
 * (handlers/core/memory.ts); undefined when they cannot tell. For weighing work before reading
 * the rest; {@link inspectImage} still decides on the whole upload.
 */
export async function declaredDecodeHeader(prefix: Buffer): Promise<DecodeHeader | undefined> {
  try {
    const { width, height, channels, depth } = await sharp(prefix, { limitInputPixels: false }).metadata();
    return width > 0 && height > 0 ? { width, height, channels, depth } : undefined;
  } catch {
    return undefined;
  }
}
