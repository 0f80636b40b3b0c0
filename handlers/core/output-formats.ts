/** The formats outputs are encoded in: their options as a preset writes them, and their limits. */
import * as v from 'valibot';
import { formatList } from './describe';
import { integer, jsonVariant, list, strictVariantOption } from './schema-issues';

export interface WebpFormat {
  readonly format: 'webp';
  /** 1–100. @default 80 */
  readonly quality: number;
  /** CPU effort 0–6. @default 4 */
  readonly effort: number;
  /** @default false */
  readonly lossless: boolean;
}

export interface JpegFormat {
  readonly format: 'jpeg';
  /** 1–100. @default 80 */
  readonly quality: number;
  /** mozjpeg defaults (trellis quantisation, progressive, optimised scans). @default true */
  readonly mozjpeg: boolean;
}

export interface PngFormat {
  readonly format: 'png';
  /** zlib level 0–9. @default 6 */
  readonly compressionLevel: number;
  /** Quantise to a palette (smaller, lossy). @default false */
  readonly palette: boolean;
}

export interface AvifFormat {
  readonly format: 'avif';
  /** 1–100. @default 50 (comparable to JPEG 80) */
  readonly quality: number;
  /** CPU effort 0–9. @default 4 */
  readonly effort: number;
}

export type OutputFormatSpec = WebpFormat | JpegFormat | PngFormat | AvifFormat;
export type OutputFormat = OutputFormatSpec['format'];

export interface OutputFormatInfo {
  readonly label: string;
  readonly extension: string;
  readonly contentType: string;
  /** Largest width or height the encoder accepts. */
  readonly maxDimension: number;
  readonly supportsAlpha: boolean;
}

/** Allowed output formats, as data. */
export const OUTPUT_FORMATS: { readonly [F in OutputFormat]: OutputFormatInfo } = Object.freeze({
  webp: { label: 'WebP', extension: 'webp', contentType: 'image/webp', maxDimension: 16383, supportsAlpha: true },
  jpeg: { label: 'JPEG', extension: 'jpg', contentType: 'image/jpeg', maxDimension: 65500, supportsAlpha: false },
  png: { label: 'PNG', extension: 'png', contentType: 'image/png', maxDimension: 2_147_483_647, supportsAlpha: true },
  avif: { label: 'AVIF', extension: 'avif', contentType: 'image/avif', maxDimension: 16384, supportsAlpha: true },
});

const FORMAT_NAMES = Object.keys(OUTPUT_FORMATS) as OutputFormat[];

const flag = v.boolean('true or false');

const FORMAT_OPTIONS = [
  strictVariantOption(
    { format: v.literal('webp'), quality: v.optional(integer(1, 100), 80), effort: v.optional(integer(0, 6), 4), lossless: v.optional(flag, false) },
    'a WebP format',
  ) satisfies v.GenericSchema<unknown, WebpFormat>,
  strictVariantOption(
    { format: v.literal('jpeg'), quality: v.optional(integer(1, 100), 80), mozjpeg: v.optional(flag, true) },
    'a JPEG format',
  ) satisfies v.GenericSchema<unknown, JpegFormat>,
  strictVariantOption(
    { format: v.literal('png'), compressionLevel: v.optional(integer(0, 9), 6), palette: v.optional(flag, false) },
    'a PNG format',
  ) satisfies v.GenericSchema<unknown, PngFormat>,
  strictVariantOption(
    { format: v.literal('avif'), quality: v.optional(integer(1, 100), 50), effort: v.optional(integer(0, 9), 4) },
    'an AVIF format',
  ) satisfies v.GenericSchema<unknown, AvifFormat>,
] as const;

/** The formats a rendition or variant is encoded in, such as `[{"format":"webp","quality":80}]`, defaults applied. */
export const OUTPUT_FORMATS_SCHEMA = list(
  jsonVariant(
    'format',
    FORMAT_OPTIONS,
    'an output format such as {"format":"webp"}',
    `one of ${formatList(FORMAT_NAMES.map((name) => JSON.stringify(name)))}`,
  ),
  'a list of output formats',
  1,
  FORMAT_NAMES.length,
);
