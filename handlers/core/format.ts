/**
 * Format detection from magic bytes only: never from a file name, extension or
 * Content-Type, which the uploader controls. Accepted formats are an allow-list table;
 * a few well-known other formats are recognised only to say clearly why they are refused.
 */
import sharp from 'sharp';
import { formatList, hexPreview } from './describe';
import { CodedError } from './errors';

/** Input formats the processor can accept. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' | 'heif';

export interface InputFormatInfo {
  /** Name people know the format by. */
  readonly label: string;
  readonly mediaType: string;
  /** The loader sharp reports in `metadata().format` for this format. */
  readonly sharpFormat: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'heif';
  /** Whether uploads in this format are accepted by this build (see {@link canDecodeHevc}). */
  readonly accepted: boolean;
  /** Why the format is refused when `accepted` is false. */
  readonly refusal?: string;
}

/**
 * Whether the installed libvips can decode HEVC-compressed HEIF (HEIC, the iPhone default).
 * sharp's prebuilt binaries ship libheif with the AV1 decoder only (patent licensing), so they
 * decode AVIF but not HEIC; libvips then lists only `.avif` as a heifload suffix.
 */
export function canDecodeHevc(): boolean {
  const heif = sharp.format.heif;
  return Boolean(heif?.input.buffer) && (heif?.input.fileSuffix ?? []).includes('.heic');
}

const HEVC = canDecodeHevc();

/** The allow-list, as data. */
export const INPUT_FORMATS: { readonly [F in ImageFormat]: InputFormatInfo } = Object.freeze({
  jpeg: { label: 'JPEG', mediaType: 'image/jpeg', sharpFormat: 'jpeg', accepted: true },
  png: { label: 'PNG', mediaType: 'image/png', sharpFormat: 'png', accepted: true },
  webp: { label: 'WebP', mediaType: 'image/webp', sharpFormat: 'webp', accepted: true },
  gif: { label: 'GIF', mediaType: 'image/gif', sharpFormat: 'gif', accepted: true },
  tiff: { label: 'TIFF', mediaType: 'image/tiff', sharpFormat: 'tiff', accepted: true },
  avif: { label: 'AVIF', mediaType: 'image/avif', sharpFormat: 'heif', accepted: true },
  heif: HEVC
    ? { label: 'HEIC', mediaType: 'image/heic', sharpFormat: 'heif', accepted: true }
    : {
        label: 'HEIC',
        mediaType: 'image/heic',
        sharpFormat: 'heif',
        accepted: false,
        refusal:
          'this build of sharp cannot decode HEVC-compressed HEIF; export the photo as JPEG (or AVIF) and upload that instead',
      },
});

export interface DetectedFormat {
  readonly format: ImageFormat;
  readonly label: string;
  readonly mediaType: string;
}

/** What the first bytes say the data is. */
export type SniffResult =
  | ({ readonly kind: 'image' } & DetectedFormat)
  /** A recognised format that is never accepted (SVG, PDF, HTML, text, …). */
  | { readonly kind: 'rejected'; readonly label: string; readonly reason?: string }
  | { readonly kind: 'unknown' };

/** The accepted formats, as a phrase: "JPEG, PNG, WebP, GIF, TIFF or AVIF". */
export function acceptedFormatsPhrase(): string {
  return formatList(
    Object.values(INPUT_FORMATS)
      .filter((f) => f.accepted)
      .map((f) => f.label),
  );
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEVC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const HEIF_GENERIC_BRANDS = new Set(['mif1', 'msf1', 'miaf', 'mif2']);

/** Major and compatible brands of an ISO-BMFF `ftyp` box at the start of the data. */
function ftypBrands(bytes: Uint8Array): string[] | null {
  if (bytes.length < 12 || ascii(bytes, 4, 8) !== 'ftyp') return null;
  const declared = ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  const end = Math.min(declared >= 16 ? declared : 16, bytes.length, 512);
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, at + 4));
  return brands;
}

const image = (format: ImageFormat): SniffResult => {
  const info = INPUT_FORMATS[format];
  return { kind: 'image', format, label: info.label, mediaType: info.mediaType };
};
const rejected = (label: string, reason?: string): SniffResult =>
  reason === undefined ? { kind: 'rejected', label } : { kind: 'rejected', label, reason };

/** Binary signatures, checked in order. */
const SIGNATURES: readonly { readonly test: (b: Uint8Array) => boolean; readonly result: (b: Uint8Array) => SniffResult }[] = [
  { test: (b) => startsWith(b, [0xff, 0xd8, 0xff]), result: () => image('jpeg') },
  { test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), result: () => image('png') },
  { test: (b) => ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a', result: () => image('gif') },
  { test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP', result: () => image('webp') },
  {
    // Classic TIFF and BigTIFF, little- and big-endian.
    test: (b) =>
      startsWith(b, [0x49, 0x49, 0x2a, 0x00]) ||
      startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]) ||
      startsWith(b, [0x49, 0x49, 0x2b, 0x00]) ||
      startsWith(b, [0x4d, 0x4d, 0x00, 0x2b]),
    result: () => image('tiff'),
  },
  { test: (b) => ascii(b, 0, 5) === '%PDF-', result: () => rejected('a PDF document') },
  { test: (b) => startsWith(b, [0xff, 0x0a]) || ascii(b, 4, 8) === 'JXL ', result: () => rejected('a JPEG XL image') },
  {
    test: (b) => ascii(b, 4, 8) === 'jP  ' || startsWith(b, [0xff, 0x4f, 0xff, 0x51]),
    result: () => rejected('a JPEG 2000 image'),
  },
  { test: (b) => ascii(b, 0, 4) === '8BPS', result: () => rejected('a Photoshop (PSD) document') },
  {
    test: (b) => ascii(b, 0, 2) === 'BM' && [12, 40, 52, 56, 64, 108, 124].includes(b[14] ?? -1),
    result: () => rejected('a BMP image'),
  },
  { test: (b) => startsWith(b, [0x1f, 0x8b]), result: () => rejected('gzip-compressed data (for example SVGZ)') },
  { test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]), result: () => rejected('a ZIP archive') },
  {
    test: (b) => ascii(b, 0, 4) === 'RIFF',
    result: (b) => rejected(`a RIFF ${JSON.stringify(ascii(b, 8, 12))} file (audio or video)`),
  },
];

function sniffIsoMedia(bytes: Uint8Array): SniffResult | null {
  const brands = ftypBrands(bytes);
  if (brands === null) return null;
  if (brands.some((b) => AVIF_BRANDS.has(b))) return image('avif');
  if (brands.some((b) => HEVC_BRANDS.has(b) || HEIF_GENERIC_BRANDS.has(b))) return image('heif');
  if (brands.includes('crx ')) return rejected('a Canon CR3 raw photo');
  return rejected(`an ISO media file (brand ${JSON.stringify(brands[0] ?? '')}, typically video)`);
}

const UTF8 = new TextDecoder('utf-8');

/** Text sniffing: SVG/XML, HTML or other text. Only the first 4 KiB are looked at. */
function sniffText(bytes: Uint8Array): SniffResult | null {
  let head = bytes.subarray(0, 4096);
  if (startsWith(head, [0xfe, 0xff]) || startsWith(head, [0xff, 0xfe])) return rejected('UTF-16 text');
  if (startsWith(head, [0xef, 0xbb, 0xbf])) head = head.subarray(3);
  let text = UTF8.decode(head);
  // The window may cut a multi-byte character in two; anything else undecodable means binary data.
  if (bytes.length > 4096) text = text.replace(/\uFFFD{1,3}$/, '');
  if (text.includes('\uFFFD')) return null;
  // Control characters other than tab, line feed, form feed and carriage return mean binary data.
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return null;
  const start = text.trimStart().slice(0, 1024).toLowerCase();
  if (start.startsWith('<svg') || (start.startsWith('<') && text.toLowerCase().includes('<svg'))) {
    return rejected('SVG (XML) data', 'SVG is a document format that can reference external resources, so it is never parsed');
  }
  if (/^<(!doctype html|html|head|body|script|meta|title|div|p\b|!--)/.test(start)) return rejected('an HTML document');
  if (start.startsWith('<?xml') || start.startsWith('<!doctype')) return rejected('an XML document');
  if (start.startsWith('{') || start.startsWith('[')) return rejected('JSON or other text');
  return rejected('plain text');
}

/** Identify data from its first bytes (at most the first 4 KiB are read). */
export function sniffFormat(bytes: Uint8Array): SniffResult {
  for (const signature of SIGNATURES) {
    if (signature.test(bytes)) return signature.result(bytes);
  }
  return sniffIsoMedia(bytes) ?? sniffText(bytes) ?? { kind: 'unknown' };
}

/**
 * The accepted format of the data, from magic bytes only; `null` when the data is not an
 * accepted image (use {@link requireSupportedFormat} for an error that says why).
 */
export function detectFormat(bytes: Uint8Array): DetectedFormat | null {
  const sniffed = sniffFormat(bytes);
  if (sniffed.kind !== 'image' || !INPUT_FORMATS[sniffed.format].accepted) return null;
  return { format: sniffed.format, label: sniffed.label, mediaType: sniffed.mediaType };
}

/**
 * The accepted format of the data.
 * @throws CodedError `UNSUPPORTED_FORMAT` with a sentence naming the accepted formats and what was received.
 */
export function requireSupportedFormat(bytes: Uint8Array): DetectedFormat {
  const sniffed = sniffFormat(bytes);
  const expected = `Expected a ${acceptedFormatsPhrase()} image`;
  if (sniffed.kind === 'image') {
    const info = INPUT_FORMATS[sniffed.format];
    if (info.accepted) return { format: sniffed.format, label: sniffed.label, mediaType: sniffed.mediaType };
    throw new CodedError('UNSUPPORTED_FORMAT', `${expected}, but received a ${info.label} image: ${info.refusal ?? 'it is not accepted'}.`);
  }
  if (sniffed.kind === 'rejected') {
    const reason = sniffed.reason === undefined ? '' : ` (${sniffed.reason})`;
    throw new CodedError('UNSUPPORTED_FORMAT', `${expected}, but received ${sniffed.label}${reason}.`);
  }
  throw new CodedError(
    'UNSUPPORTED_FORMAT',
    `${expected}, but the first bytes (${hexPreview(bytes)}) match none of them.`,
  );
}
