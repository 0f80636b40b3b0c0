/**
 * Renditions and filter variants, derived from the raw master (never from the original file).
 */
import { filterLabel } from './filter-spec';
import { applyFilters, rawPass } from './filters';
import { CodedError } from './errors';
import { fitInside, type Box } from './geometry';
import { maxSideFor, type Preset } from './preset';
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
 * The master resized to fit `box` (Lanczos 3); the master itself (same buffer, no resampling)
 * when it already fits. Never enlarges.
 */
export function resizeTo(master: RawImage, box: Box): Promise<RawImage> {
  const size = fitInside(master.width, master.height, box);
  if (size.width === master.width && size.height === master.height) return Promise.resolve(master);
  return rawPass(master, (p) => p.resize({ ...size, fit: 'fill' }));
}

/** The box the outputs named `base` fit in: the rendition's width, and the side limit of their formats. */
function boxFor(preset: Preset, base: string, width: number): Box {
  return { width, height: maxSideFor(preset, base) };
}

/** One raw image per preset rendition, in preset order. Equal boxes are resized once. */
export async function resizeRenditions(master: RawImage, preset: Preset): Promise<RawRendition[]> {
  const bySize = new Map<string, Promise<RawImage>>();
  return Promise.all(
    preset.renditions.map(async (rendition): Promise<RawRendition> => {
      const box = boxFor(preset, rendition.name, rendition.width);
      const key = `${box.width}x${box.height}`;
      let image = bySize.get(key);
      if (image === undefined) {
        image = resizeTo(master, box);
        bySize.set(key, image);
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
        throw new CodedError('INTERNAL', `Expected variant ${variant.name} to use a rendition of preset "${preset.name}", but ${JSON.stringify(variant.rendition)} is not one.`);
      }
      const box = boxFor(preset, variant.name, rendition.width);
      const ready = resized.find((r) => r.filter === null && r.rendition === rendition.name);
      const image = ready
        ? await applyFilters(ready.image, variant.filters, { fit: box })
        : await applyFilters(master, variant.filters, { fit: box });
      return { name: variant.name, rendition: rendition.name, filter: variant.filters.map(filterLabel).join('-'), image };
    }),
  );
}
