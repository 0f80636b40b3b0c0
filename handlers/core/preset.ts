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
 *
 * Checking a preset loads no image library (only filter-spec.ts, never filters.ts): the stack
 * checks presets at synth time and the API will check them per request.
 */
import * as v from 'valibot';
import { formatList } from './describe';
import { CodedError } from './errors';
import { FILTER_SCHEMA, filterLabel, type FilterSpec } from './filter-spec';
import { OUTPUT_FORMATS, OUTPUT_FORMATS_SCHEMA, type OutputFormat, type OutputFormatSpec } from './output-formats';
import { expectedButReceived, hexColour, integer, invalidPreset, list, presetError, strictJsonObject } from './schema-issues';

/** A width every output of the preset is resized to (when the image is wider). */
export interface RenditionSpec {
  /** `[a-z0-9-]`, 1–64 characters; the output base name. */
  readonly name: string;
  /** Target width in pixels, an integer from 1 to 16384. Height follows the aspect ratio. */
  readonly width: number;
}

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

const NAME_RULE = 'a name of 1 to 64 characters from a-z, 0-9 and "-" (not starting or ending with "-")';
const SAFE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const NAME = v.pipe(v.string(NAME_RULE), v.regex(SAFE_NAME, NAME_RULE));

const RENDITION_SCHEMA = strictJsonObject(
  { name: NAME, width: integer(1, MAX_RENDITION_WIDTH) },
  'a rendition such as {"name":"thumb","width":320}',
  'a rendition',
) satisfies v.GenericSchema<unknown, RenditionSpec>;

const VARIANT_SCHEMA = strictJsonObject(
  {
    name: v.optional(NAME),
    rendition: v.string('the name of a rendition of this preset'),
    filters: list(FILTER_SCHEMA, 'a list of filters', 1, MAX_FILTERS_PER_VARIANT),
    formats: v.optional(OUTPUT_FORMATS_SCHEMA),
  },
  'a variant such as {"rendition":"medium","filters":[{"name":"grayscale"}]}',
  'a variant',
);

/**
 * A preset as JSON, each part checked and given its defaults, for the schemas of requests that
 * carry one. It leaves a variant's `name` and `formats` unset when they are not given:
 * {@link parsePreset} derives them, and checks the rules that relate one part to another.
 */
export const PRESET_SCHEMA = strictJsonObject(
  {
    name: NAME,
    renditions: list(RENDITION_SCHEMA, 'a list of renditions', 1, MAX_RENDITIONS),
    formats: OUTPUT_FORMATS_SCHEMA,
    variants: v.optional(list(VARIANT_SCHEMA, 'a list of variants', 0, MAX_VARIANTS), () => []),
    flattenBackground: v.optional(hexColour('#ffffff'), '#ffffff'),
  },
  'a preset object',
  'a preset',
);

function fail(at: string, expected: string, received: unknown): never {
  throw invalidPreset(at, expectedButReceived(expected, received));
}

function extensionOf(format: OutputFormat): string {
  return OUTPUT_FORMATS[format].extension;
}

/**
 * Validate a preset from JSON (already parsed) and apply its defaults.
 * @throws CodedError `INVALID_PRESET` naming the JSON path, what was expected and what was received.
 */
export function parsePreset(json: unknown): Preset {
  const parsed = v.safeParse(PRESET_SCHEMA, json);
  if (!parsed.success) throw presetError(parsed.issues);
  const { name, renditions, formats, variants: given, flattenBackground } = parsed.output;

  const variants = given.map((variant, i): VariantSpec => {
    if (!renditions.some((r) => r.name === variant.rendition)) {
      const names = formatList(renditions.map((r) => JSON.stringify(r.name)));
      fail(`$.variants[${i}].rendition`, `the name of a rendition of this preset (${names})`, variant.rendition);
    }
    return {
      name: variant.name ?? [variant.rendition, ...variant.filters.map(filterLabel)].join('-'),
      rendition: variant.rendition,
      filters: variant.filters,
      formats: variant.formats ?? formats,
    };
  });

  // Base names and output names must be unique: they become object keys.
  const bases = new Map<string, string>();
  const outputs = new Map<string, string>();
  const claim = (base: string, specs: readonly OutputFormatSpec[], namePath: string, formatPath: (k: number) => string): void => {
    const previous = bases.get(base);
    if (previous !== undefined) fail(namePath, `a name not already used by ${previous}`, base);
    bases.set(base, namePath);
    specs.forEach((spec, k) => {
      const file = `${base}.${extensionOf(spec.format)}`;
      const earlier = outputs.get(file);
      if (earlier !== undefined) {
        throw invalidPreset(formatPath(k), `expected output names to be unique, but "${file}" is already produced by ${earlier}`);
      }
      outputs.set(file, formatPath(k));
    });
  };
  renditions.forEach((r, i) => claim(r.name, formats, `$.renditions[${i}].name`, (k) => `$.formats[${k}] (for $.renditions[${i}])`));
  variants.forEach((variant, i) => {
    const namePath = given[i]?.name === undefined ? `$.variants[${i}]` : `$.variants[${i}].name`;
    const formatPath = given[i]?.formats === undefined
      ? (k: number) => `$.formats[${k}] (for $.variants[${i}])`
      : (k: number) => `$.variants[${i}].formats[${k}]`;
    claim(variant.name, variant.formats, namePath, formatPath);
  });

  // A rendition wider than an encoder allows would fail on every large upload.
  const checkWidth = (rendition: string, specs: readonly OutputFormatSpec[]): void => {
    const index = renditions.findIndex((r) => r.name === rendition);
    const width = renditions[index]?.width ?? 0;
    for (const spec of specs) {
      const max = OUTPUT_FORMATS[spec.format].maxDimension;
      if (width > max) fail(`$.renditions[${index}].width`, `at most ${max} (the largest ${OUTPUT_FORMATS[spec.format].label} dimension), as "${rendition}" is encoded as ${OUTPUT_FORMATS[spec.format].label}`, width);
    }
  };
  renditions.forEach((r) => checkWidth(r.name, formats));
  variants.forEach((variant) => checkWidth(variant.rendition, variant.formats));

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
  const plan = (base: string, rendition: string, filter: string | null, specs: readonly OutputFormatSpec[]): PlannedOutput[] =>
    specs.map((spec) => ({
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
