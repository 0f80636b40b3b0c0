/**
 * Presets: what to produce from every upload. Loadable from JSON, validated once into a
 * typed, frozen object with every default applied; outputs are planned from it alone.
 *
 * Always on, whatever the preset says (not configurable on purpose):
 * - auto-orientation from EXIF `Orientation` (outputs are upright and carry no orientation tag);
 * - conversion to 8-bit sRGB (embedded ICC profiles, CMYK and 16-bit input are converted);
 * - stripping of all metadata from outputs (no EXIF, XMP, IPTC or ICC);
 * - animated or multi-page input: the first frame only, and outputs are never animated;
 * - renditions keep the aspect ratio and are never enlarged.
 *
 * JSON shape (see {@link DEFAULT_PRESET_JSON}):
 * ```json
 * { "name": "default",
 *   "renditions": [ {"name":"thumb","width":320}, … ],
 *   "formats": [ {"format":"webp","quality":80}, {"format":"jpeg","quality":80,"mozjpeg":true} ],
 *   "variants": [ {"rendition":"medium","filters":[{"name":"grayscale"}],"formats":[{"format":"webp","quality":80}]} ],
 *   "flattenBackground": "#ffffff" }
 * ```
 */
import { isHexColour } from './colour';
import { describeValue, formatList } from './describe';
import { CodedError } from './errors';
import { filterLabel, parseFilter, type FilterSpec } from './filters';

/** A width every output of the preset is resized to (when the image is wider). */
export interface RenditionSpec {
  /** `[a-z0-9-]`, 1–64 characters; the output base name. */
  readonly name: string;
  /** Target width in pixels, an integer from 1 to 16384. Height follows the aspect ratio. */
  readonly width: number;
}

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

/** A rendition with a filter chain applied, encoded in its own formats. */
export interface VariantSpec {
  /** Output base name: `<rendition>-<filter labels joined by '-'>` unless given explicitly. */
  readonly name: string;
  readonly rendition: string;
  /** Applied in order; at least one. */
  readonly filters: readonly FilterSpec[];
  /** Defaults to the preset's `formats`. */
  readonly formats: readonly OutputFormatSpec[];
}

export interface Preset {
  readonly name: string;
  readonly renditions: readonly RenditionSpec[];
  /** Formats every rendition is encoded in. */
  readonly formats: readonly OutputFormatSpec[];
  /** @default [] */
  readonly variants: readonly VariantSpec[];
  /** `#rrggbb` that alpha is flattened onto for formats without alpha (JPEG). @default "#ffffff" */
  readonly flattenBackground: string;
}

/** One file a preset produces. */
export interface PlannedOutput {
  /** File name, e.g. `thumb.webp`, `medium-grayscale.webp`, `large.jpg`. */
  readonly name: string;
  /** Name without extension: the rendition, or the variant's name. */
  readonly base: string;
  readonly rendition: string;
  /** Filter labels joined by '-', or null for a plain rendition. */
  readonly filter: string | null;
  /** sharp's format name (`jpeg`, `webp`, `png`, `avif`). */
  readonly format: OutputFormat;
  /** `jpg` for JPEG, otherwise the format name. */
  readonly extension: string;
  readonly contentType: string;
  /** The rendition's target width (outputs are narrower when the image is). */
  readonly width: number;
  readonly spec: OutputFormatSpec;
}

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

export const MAX_RENDITION_WIDTH = 16384;
export const MAX_RENDITIONS = 20;
export const MAX_VARIANTS = 20;
export const MAX_FILTERS_PER_VARIANT = 8;

/** The contract's default preset, as JSON. */
export const DEFAULT_PRESET_JSON = Object.freeze({
  name: 'default',
  renditions: [
    { name: 'thumb', width: 320 },
    { name: 'medium', width: 1024 },
    { name: 'large', width: 2048 },
  ],
  formats: [
    { format: 'webp', quality: 80 },
    { format: 'jpeg', quality: 80, mozjpeg: true },
  ],
  variants: [{ rendition: 'medium', filters: [{ name: 'grayscale' }], formats: [{ format: 'webp', quality: 80 }] }],
  flattenBackground: '#ffffff',
});

// ---------------------------------------------------------------------------------------------
// Validation toolkit: every failure names the JSON path, what was expected and what was received.

function fail(path: string, expected: string, received: unknown): never {
  throw new CodedError('INVALID_PRESET', `Invalid preset at ${path}: expected ${expected}, but received ${describeValue(received)}.`);
}

function object(value: unknown, path: string, what: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, what, value);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!keys.includes(key)) {
      fail(`${path}.${key}`, `only the properties ${formatList(keys.map((k) => JSON.stringify(k)), 'and')}`, record[key]);
    }
  }
  return record;
}

function array(value: unknown, path: string, what: string, min: number, max: number): readonly unknown[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) {
    fail(path, `${what} (${min === max ? min : `${min} to ${max}`} items)`, value);
  }
  return value;
}

function integer(value: unknown, path: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(path, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

function boolean(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(path, 'true or false', value);
  return value;
}

const SAFE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

function safeName(value: unknown, path: string): string {
  if (typeof value !== 'string' || !SAFE_NAME.test(value)) {
    fail(path, 'a name of 1 to 64 characters from a-z, 0-9 and "-" (not starting or ending with "-")', value);
  }
  return value;
}

const FORMAT_NAMES = Object.keys(OUTPUT_FORMATS) as OutputFormat[];

function parseFormat(value: unknown, path: string): OutputFormatSpec {
  const format = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['format'] : undefined;
  if (typeof format !== 'string' || !Object.hasOwn(OUTPUT_FORMATS, format)) {
    fail(`${path}.format`, `one of ${formatList(FORMAT_NAMES.map((f) => JSON.stringify(f)))}`, format);
  }
  switch (format as OutputFormat) {
    case 'webp': {
      const r = object(value, path, 'a format object', ['format', 'quality', 'effort', 'lossless']);
      return {
        format: 'webp',
        quality: integer(r['quality'], `${path}.quality`, 1, 100, 80),
        effort: integer(r['effort'], `${path}.effort`, 0, 6, 4),
        lossless: boolean(r['lossless'], `${path}.lossless`, false),
      };
    }
    case 'jpeg': {
      const r = object(value, path, 'a format object', ['format', 'quality', 'mozjpeg']);
      return {
        format: 'jpeg',
        quality: integer(r['quality'], `${path}.quality`, 1, 100, 80),
        mozjpeg: boolean(r['mozjpeg'], `${path}.mozjpeg`, true),
      };
    }
    case 'png': {
      const r = object(value, path, 'a format object', ['format', 'compressionLevel', 'palette']);
      return {
        format: 'png',
        compressionLevel: integer(r['compressionLevel'], `${path}.compressionLevel`, 0, 9, 6),
        palette: boolean(r['palette'], `${path}.palette`, false),
      };
    }
    case 'avif': {
      const r = object(value, path, 'a format object', ['format', 'quality', 'effort']);
      return {
        format: 'avif',
        quality: integer(r['quality'], `${path}.quality`, 1, 100, 50),
        effort: integer(r['effort'], `${path}.effort`, 0, 9, 4),
      };
    }
  }
}

function parseFormats(value: unknown, path: string): OutputFormatSpec[] {
  const items = array(value, path, 'a list of output formats', 1, FORMAT_NAMES.length);
  return items.map((item, i) => parseFormat(item, `${path}[${i}]`));
}

function extensionOf(format: OutputFormat): string {
  return OUTPUT_FORMATS[format].extension;
}

/**
 * Validate a preset from JSON (already parsed) and apply its defaults.
 * @throws CodedError `INVALID_PRESET` naming the JSON path, what was expected and what was received.
 */
export function parsePreset(json: unknown): Preset {
  const root = object(json, '$', 'a preset object', ['name', 'renditions', 'formats', 'variants', 'flattenBackground']);
  const name = safeName(root['name'], '$.name');

  const renditions = array(root['renditions'], '$.renditions', 'a list of renditions', 1, MAX_RENDITIONS).map((item, i) => {
    const path = `$.renditions[${i}]`;
    const r = object(item, path, 'a rendition such as {"name":"thumb","width":320}', ['name', 'width']);
    return { name: safeName(r['name'], `${path}.name`), width: integer(r['width'], `${path}.width`, 1, MAX_RENDITION_WIDTH) };
  });
  const formats = parseFormats(root['formats'], '$.formats');

  const variantsJson = root['variants'] === undefined ? [] : array(root['variants'], '$.variants', 'a list of variants', 0, MAX_VARIANTS);
  const variants = variantsJson.map((item, i): VariantSpec => {
    const path = `$.variants[${i}]`;
    const r = object(item, path, 'a variant such as {"rendition":"medium","filters":[{"name":"grayscale"}]}', ['name', 'rendition', 'filters', 'formats']);
    const rendition = r['rendition'];
    if (typeof rendition !== 'string' || !renditions.some((x) => x.name === rendition)) {
      fail(`${path}.rendition`, `the name of a rendition of this preset (${formatList(renditions.map((x) => JSON.stringify(x.name)))})`, rendition);
    }
    const filters = array(r['filters'], `${path}.filters`, 'a list of filters', 1, MAX_FILTERS_PER_VARIANT).map((f, j) =>
      parseFilter(f, `${path}.filters[${j}]`),
    );
    const base = r['name'] === undefined ? [rendition, ...filters.map(filterLabel)].join('-') : safeName(r['name'], `${path}.name`);
    return {
      name: base,
      rendition,
      filters,
      formats: r['formats'] === undefined ? formats : parseFormats(r['formats'], `${path}.formats`),
    };
  });

  const flattenBackground = root['flattenBackground'] ?? '#ffffff';
  if (!isHexColour(flattenBackground)) fail('$.flattenBackground', 'a colour written as "#rrggbb", such as "#ffffff"', flattenBackground);

  // Base names and output names must be unique: they become object keys.
  const bases = new Map<string, string>();
  const outputs = new Map<string, string>();
  const claim = (base: string, list: readonly OutputFormatSpec[], namePath: string, formatPath: (k: number) => string): void => {
    const previous = bases.get(base);
    if (previous !== undefined) fail(namePath, `a name not already used by ${previous}`, base);
    bases.set(base, namePath);
    list.forEach((spec, k) => {
      const file = `${base}.${extensionOf(spec.format)}`;
      const earlier = outputs.get(file);
      if (earlier !== undefined) {
        throw new CodedError(
          'INVALID_PRESET',
          `Invalid preset at ${formatPath(k)}: expected output names to be unique, but "${file}" is already produced by ${earlier}.`,
        );
      }
      outputs.set(file, formatPath(k));
    });
  };
  renditions.forEach((r, i) => claim(r.name, formats, `$.renditions[${i}].name`, (k) => `$.formats[${k}] (for $.renditions[${i}])`));
  variants.forEach((v, i) => {
    const json = variantsJson[i] as Record<string, unknown>;
    const namePath = json['name'] === undefined ? `$.variants[${i}]` : `$.variants[${i}].name`;
    const formatPath = json['formats'] === undefined
      ? (k: number) => `$.formats[${k}] (for $.variants[${i}])`
      : (k: number) => `$.variants[${i}].formats[${k}]`;
    claim(v.name, v.formats, namePath, formatPath);
  });

  // A rendition wider than an encoder allows would fail on every large upload.
  const checkWidth = (rendition: string, list: readonly OutputFormatSpec[]): void => {
    const index = renditions.findIndex((r) => r.name === rendition);
    const width = renditions[index]?.width ?? 0;
    for (const spec of list) {
      const max = OUTPUT_FORMATS[spec.format].maxDimension;
      if (width > max) fail(`$.renditions[${index}].width`, `at most ${max} (the largest ${OUTPUT_FORMATS[spec.format].label} dimension), as "${rendition}" is encoded as ${OUTPUT_FORMATS[spec.format].label}`, width);
    }
  };
  renditions.forEach((r) => checkWidth(r.name, formats));
  variants.forEach((v) => checkWidth(v.rendition, v.formats));

  return deepFreeze({ name, renditions, formats, variants, flattenBackground });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The contract's default preset: `thumb` 320, `medium` 1024, `large` 2048 px wide, each as
 * WebP q80 and JPEG q80 (mozjpeg), plus `medium-grayscale` as WebP q80: seven outputs.
 */
export const DEFAULT_PRESET: Preset = parsePreset(DEFAULT_PRESET_JSON);

/** Every output file the preset produces, renditions first (each in `formats` order), then variants. */
export function plannedOutputs(preset: Preset): PlannedOutput[] {
  const widthOf = (rendition: string): number => preset.renditions.find((r) => r.name === rendition)?.width ?? 0;
  const plan = (base: string, rendition: string, filter: string | null, list: readonly OutputFormatSpec[]): PlannedOutput[] =>
    list.map((spec) => ({
      name: `${base}.${extensionOf(spec.format)}`,
      base,
      rendition,
      filter,
      format: spec.format,
      extension: extensionOf(spec.format),
      contentType: OUTPUT_FORMATS[spec.format].contentType,
      width: widthOf(rendition),
      spec,
    }));
  return [
    ...preset.renditions.flatMap((r) => plan(r.name, r.name, null, preset.formats)),
    ...preset.variants.flatMap((v) => plan(v.name, v.rendition, v.filters.map(filterLabel).join('-'), v.formats)),
  ];
}

/** The formats the preset assigns to an output base name (a rendition or a variant name). */
export function formatsFor(preset: Preset, base: string): readonly OutputFormatSpec[] {
  if (preset.renditions.some((r) => r.name === base)) return preset.formats;
  const variant = preset.variants.find((v) => v.name === base);
  if (variant === undefined) {
    throw new CodedError('INTERNAL', `Expected an output base name of preset "${preset.name}", but received ${JSON.stringify(base)}.`);
  }
  return variant.formats;
}

/** The widest rendition: the width the master is decoded to. */
export function largestRenditionWidth(preset: Preset): number {
  return Math.max(...preset.renditions.map((r) => r.width));
}

/** The longest side the outputs of `base` may have: the smallest size limit among its formats. */
export function maxSideFor(preset: Preset, base: string): number {
  return Math.min(...formatsFor(preset, base).map((spec) => OUTPUT_FORMATS[spec.format].maxDimension));
}

/** The longest side any output of the preset may have. */
export function maxOutputSide(preset: Preset): number {
  return Math.min(...plannedOutputs(preset).map((output) => OUTPUT_FORMATS[output.format].maxDimension));
}
