/**
 * Renditions and filter variants, derived from the raw master (never from the original file).
 */
import { applyFilters, filterLabel, rawPass } from './filters';
import { ImageError } from './errors';
import type { Preset } from './preset';
import type { RawImage } from './raw-image';

/** An intermediate image named as its outputs will be. */
export interface RawRendition {
  /** Output base name, e.g. `medium` or `medium-grayscale`. */
  readonly name: string;
  readonly rendition: string;
  /** Filter labels joined by '-', or null for a plain rendition. */
  readonly filter: string | null;
  readonly image: RawImage;
}

/**
 * The master resized to `width` (Lanczos 3); the master itself (same buffer, no resampling)
 * when it is not wider than that. Never enlarges.
 */
export function resizeTo(master: RawImage, width: number): Promise<RawImage> {
  if (width >= master.width) return Promise.resolve(master);
  return rawPass(master, (p) => p.resize({ width }));
}

/** One raw image per preset rendition, in preset order. Equal widths are resized once. */
export async function resizeRenditions(master: RawImage, preset: Preset): Promise<RawRendition[]> {
  const byWidth = new Map<number, Promise<RawImage>>();
  return Promise.all(
    preset.renditions.map(async (rendition): Promise<RawRendition> => {
      let image = byWidth.get(rendition.width);
      if (image === undefined) {
        image = resizeTo(master, rendition.width);
        byWidth.set(rendition.width, image);
      }
      return { name: rendition.name, rendition: rendition.name, filter: null, image: await image };
    }),
  );
}

/**
 * One raw image per preset variant, in preset order: resized to its rendition's width, then its
 * filter chain in order (the resize and the first filters share one pass).
 *
 * @param resized renditions already produced by {@link resizeRenditions} from the same master;
 *   when given, variants start from them instead of resizing the master again.
 */
export async function filterVariants(
  master: RawImage,
  preset: Preset,
  resized: readonly RawRendition[] = [],
): Promise<RawRendition[]> {
  return Promise.all(
    preset.variants.map(async (variant): Promise<RawRendition> => {
      const rendition = preset.renditions.find((r) => r.name === variant.rendition);
      if (rendition === undefined) {
        throw new ImageError('INTERNAL', `Expected variant ${variant.name} to use a rendition of preset "${preset.name}", but ${JSON.stringify(variant.rendition)} is not one.`);
      }
      const ready = resized.find((r) => r.filter === null && r.rendition === rendition.name);
      const image = ready
        ? await applyFilters(ready.image, variant.filters)
        : await applyFilters(master, variant.filters, { width: rendition.width });
      return { name: variant.name, rendition: rendition.name, filter: variant.filters.map(filterLabel).join('-'), image };
    }),
  );
}
