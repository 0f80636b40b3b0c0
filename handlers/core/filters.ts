/**
 * Filters on pixels: how each filter of the allow-list (filter-spec.ts) is applied, each meaning
 * what sharp means by it — sharp's own operation does the work.
 *
 * sharp applies operations in a fixed internal order (resize, blur, recomb, sharpen, normalise,
 * tint, negate), not in call order, and each at most once per pipeline. A chain is therefore
 * split into stages ({@link planFilterStages}): runs of filters whose order already matches
 * sharp's; each stage is one pipeline over raw pixels, so any chain is applied exactly in the
 * order written, and the common single-filter chain costs a single pass (fused with the resize).
 * `grayscale` is a stage of its own (see {@link greyscalePass}).
 */
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { CodedError } from './errors';
import { filterLabel, type FilterName, type FilterSpec, type FilterSpecOf } from './filter-spec';
import { fitInside } from './geometry';
import { rawInput, type RawImage } from './raw-image';

type Size = { readonly width: number; readonly height: number };

type FilterOperation<S extends FilterSpec> =
  /** One operation of a sharp pipeline, at its place in sharp's fixed order. */
  | { readonly stage: number; readonly apply: (pipeline: Sharp, spec: S) => Sharp }
  /** Passes of its own over raw pixels, the resize fused in when it comes first. */
  | { readonly run: (image: RawImage, resize: Size | undefined) => Promise<RawImage> };

/**
 * The classic sepia-tone matrix (rows: output R, G, B), applied to the 8-bit sRGB values as
 * stored (gamma-encoded), as sharp's `recomb` does; alpha is kept.
 */
const SEPIA_MATRIX: [[number, number, number], [number, number, number], [number, number, number]] = [
  [0.393, 0.769, 0.189],
  [0.349, 0.686, 0.168],
  [0.272, 0.534, 0.131],
];

// Stage numbers follow sharp's pipeline.cc: resize < blur < recomb < sharpen < normalise < tint < negate.
const STAGE = { blur: 1, recomb: 2, sharpen: 3, normalise: 4, tint: 5, negate: 6 } as const;

/**
 * sharp's `greyscale()` itself — luminance as libvips computes it converting to its B_W space —
 * on R, G and B, alpha kept. sharp writes a greyscale image as one raw band and drops alpha, so
 * the grey band comes from one pass and alpha, resized alike, from another; they are interleaved
 * here, which is what libvips' own B_W → sRGB conversion does (it copies the band). A Rec. 709
 * matrix on the stored values instead is visibly darker on saturated colours.
 */
async function greyscalePass(input: RawImage, resize: Size | undefined): Promise<RawImage> {
  // Resized first, in colour: within one pipeline sharp would make it grey before resizing.
  const image = resize ? await rawPass(input, (p) => p.resize({ ...resize, fit: 'fill' })) : input;
  const from = () => sharp(image.data, { raw: rawInput(image), limitInputPixels: false });
  const grey = await from().greyscale().raw().toBuffer({ resolveWithObject: true });
  const alpha = image.channels === 4 ? await from().extractChannel(3).raw().toBuffer() : undefined;
  const channels = alpha ? 4 : 3;
  const data = Buffer.allocUnsafe(grey.data.length * channels);
  for (let pixel = 0, at = 0; pixel < grey.data.length; pixel++, at += channels) {
    const value = grey.data[pixel]!;
    data[at] = value;
    data[at + 1] = value;
    data[at + 2] = value;
    if (alpha) data[at + 3] = alpha[pixel]!;
  }
  return { data, width: grey.info.width, height: grey.info.height, channels };
}

const OPERATIONS: { readonly [N in FilterName]: FilterOperation<FilterSpecOf<N>> } = Object.freeze({
  grayscale: { run: greyscalePass },
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

/** Apply one filter that is an operation of a sharp pipeline. */
export function applyFilter(pipeline: Sharp, spec: FilterSpec): Sharp {
  const operation = operationOf(spec);
  if (!('apply' in operation)) {
    throw new CodedError('INTERNAL', `Expected a filter that is one operation of a sharp pipeline, but ${filterLabel(spec)} runs passes of its own; use applyFilters.`);
  }
  return operation.apply(pipeline, spec);
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
    const operation = operationOf(spec);
    // A filter that runs passes of its own is a stage by itself.
    const stage = 'stage' in operation ? operation.stage : Infinity;
    if (current.length > 0 && (stage <= last || stage === Infinity)) {
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
  return rawResult(await pipeline.raw().toBuffer({ resolveWithObject: true }));
}

function rawResult({ data, info }: { data: Buffer; info: { width: number; height: number; channels: number } }): RawImage {
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
  const stages = planFilterStages(filters);
  const size = options.fit ? fitInside(image.width, image.height, options.fit) : undefined;
  let resize = size && (size.width !== image.width || size.height !== image.height) ? size : undefined;
  if (stages.length === 0) return resize === undefined ? image : rawPass(image, (p) => p.resize({ ...resize!, fit: 'fill' }));
  let current = image;
  for (const stage of stages) {
    const operation = operationOf(stage[0]!);
    const pending = resize;
    current = 'run' in operation
      ? await operation.run(current, pending)
      : await rawPass(current, (p) => applyFilterChain(pending === undefined ? p : p.resize({ ...pending, fit: 'fill' }), stage));
    resize = undefined;
  }
  return current;
}
