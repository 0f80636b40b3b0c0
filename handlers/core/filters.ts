/**
 * Filters on pixels: how each filter of the allow-list (filter-spec.ts) is applied to a sharp
 * pipeline, and where sharp runs it.
 *
 * sharp applies operations in a fixed internal order (resize, blur, recomb, sharpen, normalise,
 * tint, negate), not in call order, and each at most once per pipeline. A chain is therefore
 * split into stages ({@link planFilterStages}): runs of filters whose order already matches
 * sharp's; each stage is one pipeline over raw pixels, so any chain is applied exactly in the
 * order written, and the common single-filter chain costs a single pass (fused with the resize).
 */
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { CodedError } from './errors';
import { filterLabel, type FilterName, type FilterSpec, type FilterSpecOf } from './filter-spec';
import { fitInside } from './geometry';
import { rawInput, type RawImage } from './raw-image';

interface FilterOperation<S extends FilterSpec> {
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
 * `grayscale` uses a recombination matrix rather than sharp's `greyscale()`, which converts to
 * one band and drops alpha in raw output; the result is the same luma on R, G, B.
 */
const OPERATIONS: { readonly [N in FilterName]: FilterOperation<FilterSpecOf<N>> } = Object.freeze({
  grayscale: { stage: STAGE.recomb, apply: (p) => p.recomb(GRAYSCALE_MATRIX) },
  sepia: { stage: STAGE.recomb, apply: (p) => p.recomb(SEPIA_MATRIX) },
  blur: { stage: STAGE.blur, apply: (p, s) => p.blur(s.sigma) },
  sharpen: { stage: STAGE.sharpen, apply: (p, s) => (s.sigma === undefined ? p.sharpen() : p.sharpen({ sigma: s.sigma })) },
  tint: { stage: STAGE.tint, apply: (p, s) => p.tint(s.color) },
  negate: { stage: STAGE.negate, apply: (p) => p.negate({ alpha: false }) },
  normalize: { stage: STAGE.normalise, apply: (p) => p.normalise() },
});

function operationOf(spec: FilterSpec): FilterOperation<FilterSpec> {
  return OPERATIONS[spec.name] as unknown as FilterOperation<FilterSpec>;
}

/** Apply one filter to a sharp pipeline. */
export function applyFilter(pipeline: Sharp, spec: FilterSpec): Sharp {
  return operationOf(spec).apply(pipeline, spec);
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
    const stage = operationOf(spec).stage;
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
