/**
 * Filters, as an allow-list table: each entry names its parameters (with ranges), how it is
 * applied to a sharp pipeline, and where sharp runs it.
 *
 * sharp applies operations in a fixed internal order (resize, blur, recomb, sharpen, normalise,
 * tint, negate), not in call order, and each at most once per pipeline. A chain is therefore
 * split into stages ({@link planFilterStages}): runs of filters whose order already matches
 * sharp's; each stage is one pipeline over raw pixels, so any chain is applied exactly in the
 * order written, and the common single-filter chain costs a single pass (fused with the resize).
 */
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { isHexColour } from './colour';
import { describeValue, formatList } from './describe';
import { CodedError } from './errors';
import { fitInside } from './geometry';
import { rawInput, type RawImage } from './raw-image';

export type FilterSpec =
  /** Luma (Rec. 709 weights on the sRGB values) copied to R, G and B; alpha kept. */
  | { readonly name: 'grayscale' }
  /** The classic sepia-tone recombination matrix; alpha kept. */
  | { readonly name: 'sepia' }
  /** Gaussian blur; `sigma` from 0.3 to 1000. */
  | { readonly name: 'blur'; readonly sigma: number }
  /** Unsharp mask on the L channel; `sigma` from 0.3 to 100, or sharp's fast mild sharpen when omitted. */
  | { readonly name: 'sharpen'; readonly sigma?: number }
  /** Keep luminance, take chroma from `color` (`#rrggbb`). */
  | { readonly name: 'tint'; readonly color: string }
  /** Invert the colours (alpha untouched). */
  | { readonly name: 'negate' }
  /** Stretch luminance so the 1st–99th percentiles span the full range. */
  | { readonly name: 'normalize' };

export type FilterName = FilterSpec['name'];

type SpecOf<N extends FilterName> = Extract<FilterSpec, { name: N }>;

type ParamRule =
  | { readonly kind: 'number'; readonly min: number; readonly max: number; readonly required: boolean }
  | { readonly kind: 'colour'; readonly required: boolean };

export interface FilterDefinition<S extends FilterSpec> {
  /** Parameters besides `name`. */
  readonly params: { readonly [K in Exclude<keyof S, 'name'>]-?: ParamRule };
  /** Position of the operation in sharp's fixed pipeline order. */
  readonly stage: number;
  readonly apply: (pipeline: Sharp, spec: S) => Sharp;
}

/** Rec. 709 luma weights, one row per output channel. */
const GRAYSCALE_MATRIX: [[number, number, number], [number, number, number], [number, number, number]] = [
  [0.2126, 0.7152, 0.0722],
  [0.2126, 0.7152, 0.0722],
  [0.2126, 0.7152, 0.0722],
];
const SEPIA_MATRIX: [[number, number, number], [number, number, number], [number, number, number]] = [
  [0.393, 0.769, 0.189],
  [0.349, 0.686, 0.168],
  [0.272, 0.534, 0.131],
];

// Stage numbers follow sharp's pipeline.cc: resize < blur < recomb < sharpen < normalise < tint < negate.
const STAGE = { blur: 1, recomb: 2, sharpen: 3, normalise: 4, tint: 5, negate: 6 } as const;

/**
 * The allow-list. (`grayscale` uses a recombination matrix rather than sharp's `greyscale()`,
 * which converts to one band and drops alpha in raw output; the result is the same luma on R, G, B.)
 */
export const FILTERS: { readonly [N in FilterName]: FilterDefinition<SpecOf<N>> } = Object.freeze({
  grayscale: { params: {}, stage: STAGE.recomb, apply: (p) => p.recomb(GRAYSCALE_MATRIX) },
  sepia: { params: {}, stage: STAGE.recomb, apply: (p) => p.recomb(SEPIA_MATRIX) },
  blur: {
    params: { sigma: { kind: 'number', min: 0.3, max: 1000, required: true } },
    stage: STAGE.blur,
    apply: (p, s) => p.blur(s.sigma),
  },
  sharpen: {
    params: { sigma: { kind: 'number', min: 0.3, max: 100, required: false } },
    stage: STAGE.sharpen,
    apply: (p, s) => (s.sigma === undefined ? p.sharpen() : p.sharpen({ sigma: s.sigma })),
  },
  tint: { params: { color: { kind: 'colour', required: true } }, stage: STAGE.tint, apply: (p, s) => p.tint(s.color) },
  negate: { params: {}, stage: STAGE.negate, apply: (p) => p.negate({ alpha: false }) },
  normalize: { params: {}, stage: STAGE.normalise, apply: (p) => p.normalise() },
});

export const FILTER_NAMES = Object.keys(FILTERS) as FilterName[];

function isFilterName(value: unknown): value is FilterName {
  return typeof value === 'string' && Object.hasOwn(FILTERS, value);
}

function definitionOf(spec: FilterSpec): FilterDefinition<FilterSpec> {
  return FILTERS[spec.name] as unknown as FilterDefinition<FilterSpec>;
}

/** The label a filter contributes to output names (`medium-grayscale.webp`): its name. */
export function filterLabel(spec: FilterSpec): string {
  return spec.name;
}

/**
 * Validate one filter from JSON.
 * @param path JSON path used in messages, e.g. `$.variants[0].filters[1]`.
 * @throws CodedError `INVALID_PRESET`
 */
export function parseFilter(value: unknown, path: string): FilterSpec {
  const fail = (at: string, expected: string, received: unknown): never => {
    throw new CodedError('INVALID_PRESET', `Invalid preset at ${at}: expected ${expected}, but received ${describeValue(received)}.`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(path, 'a filter object such as {"name":"grayscale"}', value);
  }
  const record = value as Record<string, unknown>;
  const name = record['name'];
  if (!isFilterName(name)) {
    return fail(`${path}.name`, `one of ${formatList(FILTER_NAMES.map((n) => JSON.stringify(n)))}`, name);
  }
  const rules = FILTERS[name].params as Readonly<Record<string, ParamRule>>;
  const allowed = ['name', ...Object.keys(rules)];
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      const expected = allowed.length === 1
        ? `no parameters for the ${JSON.stringify(name)} filter`
        : `only ${formatList(allowed.map((k) => JSON.stringify(k)), 'and')} for the ${JSON.stringify(name)} filter`;
      return fail(`${path}.${key}`, expected, record[key]);
    }
  }
  const spec: Record<string, unknown> = { name };
  for (const [key, rule] of Object.entries(rules)) {
    const param = record[key];
    if (param === undefined) {
      if (rule.required) {
        fail(`${path}.${key}`, rule.kind === 'colour' ? 'a colour such as "#704214"' : `a number from ${rule.min} to ${rule.max}`, param);
      }
      continue;
    }
    if (rule.kind === 'number') {
      if (typeof param !== 'number' || !Number.isFinite(param) || param < rule.min || param > rule.max) {
        fail(`${path}.${key}`, `a number from ${rule.min} to ${rule.max}`, param);
      }
    } else if (!isHexColour(param)) {
      fail(`${path}.${key}`, 'a colour written as "#rrggbb", such as "#704214"', param);
    }
    spec[key] = param;
  }
  return spec as FilterSpec;
}

/** Apply one filter to a sharp pipeline. */
export function applyFilter(pipeline: Sharp, spec: FilterSpec): Sharp {
  return definitionOf(spec).apply(pipeline, spec);
}

/**
 * Split a chain into stages, each a run whose order matches sharp's internal order (and
 * uses each operation once), so one pipeline per stage applies the chain exactly as written.
 * `[grayscale]` → one stage; `[negate, blur]` → two stages (sharp would blur first).
 */
export function planFilterStages(filters: readonly FilterSpec[]): FilterSpec[][] {
  const stages: FilterSpec[][] = [];
  let current: FilterSpec[] = [];
  let last = 0;
  for (const spec of filters) {
    const stage = definitionOf(spec).stage;
    if (current.length > 0 && stage <= last) {
      stages.push(current);
      current = [];
    }
    current.push(spec);
    last = stage;
  }
  if (current.length > 0) stages.push(current);
  return stages;
}

/**
 * Apply a chain of filters to a sharp pipeline in one pass.
 * @throws CodedError `INTERNAL` if the chain needs more than one pass (see {@link planFilterStages}).
 */
export function applyFilterChain(pipeline: Sharp, filters: readonly FilterSpec[]): Sharp {
  if (planFilterStages(filters).length > 1) {
    throw new CodedError('INTERNAL', `Expected a filter chain sharp can apply in one pass, but received ${filters.map(filterLabel).join(' → ')}; use applyFilters.`);
  }
  return filters.reduce(applyFilter, pipeline);
}

/** Run one raw → raw sharp pass; `configure` adds the operations. */
export async function rawPass(image: RawImage, configure: (pipeline: Sharp) => Sharp): Promise<RawImage> {
  const pipeline = configure(sharp(image.data, { raw: rawInput(image), limitInputPixels: false }));
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 && info.channels !== 4) {
    throw new CodedError('INTERNAL', `Expected 3 or 4 channels from an image operation, but received ${info.channels}.`);
  }
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/**
 * Apply a filter chain to raw pixels, in the order written: one pass per stage. When `fit` is
 * given and the image does not fit it, the resize is fused into the first pass. Never enlarges.
 */
export async function applyFilters(
  image: RawImage,
  filters: readonly FilterSpec[],
  options: { readonly fit?: { readonly width: number; readonly height: number } } = {},
): Promise<RawImage> {
  const [first = [], ...rest] = planFilterStages(filters);
  const size = options.fit ? fitInside(image.width, image.height, options.fit) : undefined;
  const resize = size && (size.width !== image.width || size.height !== image.height) ? size : undefined;
  let current = image;
  if (resize !== undefined || first.length > 0) {
    current = await rawPass(current, (p) => applyFilterChain(resize === undefined ? p : p.resize({ ...resize, fit: 'fill' }), first));
  }
  for (const stage of rest) current = await rawPass(current, (p) => applyFilterChain(p, stage));
  return current;
}
