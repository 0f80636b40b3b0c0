/**
 * What a filter is, without applying it: the allow-list of names and their parameters as a
 * schema, and the label a filter gives output names. Nothing here loads sharp, so checking a
 * preset never loads libvips; filters.ts applies filters to pixels.
 */
import * as v from 'valibot';
import { formatList } from './describe';
import { hexColour, jsonVariant, strictVariantOption } from './schema-issues';

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

export type FilterSpecOf<N extends FilterName> = Extract<FilterSpec, { name: N }>;

function numberFrom(min: number, max: number) {
  const expected = `a number from ${min} to ${max}`;
  return v.pipe(v.number(expected), v.finite(expected), v.minValue(min, expected), v.maxValue(max, expected));
}

function filter<const N extends FilterName, const E extends v.ObjectEntries>(name: N, params: E) {
  return strictVariantOption({ name: v.literal(name), ...params }, `the ${JSON.stringify(name)} filter`);
}

/** The allow-list, each filter with the parameters it takes besides `name`. */
const FILTER_OPTIONS = [
  filter('grayscale', {}),
  filter('sepia', {}),
  filter('blur', { sigma: numberFrom(0.3, 1000) }),
  filter('sharpen', { sigma: v.optional(numberFrom(0.3, 100)) }),
  filter('tint', { color: hexColour('#704214') }),
  filter('negate', {}),
  filter('normalize', {}),
] as const;

export const FILTER_NAMES: readonly FilterName[] = FILTER_OPTIONS.map((option) => option.entries.name.literal);

/** One filter from JSON, such as `{"name":"blur","sigma":2}`. */
export const FILTER_SCHEMA = jsonVariant(
  'name',
  FILTER_OPTIONS,
  'a filter object such as {"name":"grayscale"}',
  `one of ${formatList(FILTER_NAMES.map((name) => JSON.stringify(name)))}`,
) satisfies v.GenericSchema<unknown, FilterSpec>;

/** The label a filter contributes to output names (`medium-grayscale.webp`): its name. */
export function filterLabel(spec: FilterSpec): string {
  return spec.name;
}
