/**
 * The whole job in one process (the one-shot CLI, the benchmark, tests): the same core functions
 * the workflow's states run, in the same order, without the storage between them. One difference:
 * here ApplyFilters starts from the already resized rendition, while the workflow's ApplyFilters
 * runs beside ResizeImage and resizes from the master itself (same sizes, pixels may differ by a
 * rounding step).
 *   ValidateImage: inspectImage → decodeMaster (the one decode)
 *   ResizeImage:   resizeRenditions (from the raw master)
 *   ApplyFilters:  filterVariants (from the resized renditions)
 *   OptimizeImage: encodeRendition for every rendition and variant, concurrently
 */
import { decodeMaster } from './decode';
import { encodeRendition, type EncodedOutput } from './encode';
import { inspectImage, type ImageInfo } from './inspect';
import type { Limits } from './limits';
import type { Preset } from './preset';
import { filterVariants, resizeRenditions } from './renditions';

export interface ProcessOptions {
  readonly preset: Preset;
  readonly limits: Limits;
}

/** Wall time of one step, named like the workflow state that does the same work. */
export interface ProcessStep {
  readonly name: 'ValidateImage' | 'ResizeImage' | 'ApplyFilters' | 'OptimizeImage';
  readonly ms: number;
}

export interface ProcessResult {
  readonly info: ImageInfo;
  /** In {@link plannedOutputs} order. */
  readonly outputs: EncodedOutput[];
  readonly steps: ProcessStep[];
}

/**
 * Validate, decode once, derive and encode every output of the preset.
 * @throws CodedError with the code of the first failed check (see {@link inspectImage}, {@link decodeMaster}).
 */
export async function processImage(bytes: Buffer, options: ProcessOptions): Promise<ProcessResult> {
  const { preset, limits } = options;
  const steps: ProcessStep[] = [];
  const timed = async <T>(name: ProcessStep['name'], run: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await run();
    steps.push({ name, ms: Math.round((performance.now() - start) * 10) / 10 });
    return result;
  };

  const { info, master } = await timed('ValidateImage', async () => {
    const inspected = await inspectImage(bytes, limits);
    return { info: inspected, master: await decodeMaster(bytes, inspected, preset, limits) };
  });
  const renditions = await timed('ResizeImage', () => resizeRenditions(master, preset));
  const variants = await timed('ApplyFilters', () => filterVariants(master, preset, renditions));
  const encoded = await timed('OptimizeImage', () => Promise.all([...renditions, ...variants].map((r) => encodeRendition(r, preset))));
  return { info, outputs: encoded.flat(), steps };
}
