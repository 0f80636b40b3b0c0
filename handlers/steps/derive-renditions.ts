/**
 * ResizeImage and ApplyFilters: both read the raw working image (no decode of the original),
 * derive their renditions from it and store them raw for OptimizeImage. A rendition that needs
 * no resampling is the working image itself, so it is referenced rather than copied.
 */
import type { Preset } from '../core/preset';
import type { RawImage } from '../core/raw-image';
import { filterVariants, resizeRenditions, type RawRendition } from '../core/renditions';
import type { IntermediateRendition, RawPointer } from '../workflow/events';
import type { JobStore, ObjectStore } from './ports';
import { readWorkingImage, writeWorkingImage, type WorkArea } from './working-images';

export interface DeriveDeps {
  readonly objects: ObjectStore;
  readonly jobs: Pick<JobStore, 'advance'>;
  readonly work: WorkArea;
  readonly preset: Preset;
}

export interface DeriveEvent {
  readonly jobId: string;
  readonly master: RawPointer;
}

export interface DeriveResult {
  readonly renditions: IntermediateRendition[];
}

export function resizeImage(event: DeriveEvent, deps: DeriveDeps): Promise<DeriveResult> {
  return derive(event, deps, resizeRenditions);
}

export function applyFilters(event: DeriveEvent, deps: DeriveDeps): Promise<DeriveResult> {
  return derive(event, deps, filterVariants);
}

async function derive(
  event: DeriveEvent,
  deps: DeriveDeps,
  produce: (master: RawImage, preset: Preset) => Promise<RawRendition[]>,
): Promise<DeriveResult> {
  await deps.jobs.advance(event.jobId, 'PROCESSING');
  const master = await readWorkingImage(deps.objects, event.master);
  const produced = await produce(master, deps.preset);
  const renditions = await Promise.all(
    produced.map(async (rendition): Promise<IntermediateRendition> => {
      const raw =
        rendition.image.data === master.data
          ? event.master
          : await writeWorkingImage(deps.objects, deps.work, event.jobId, rendition.name, rendition.image);
      return { name: rendition.name, rendition: rendition.rendition, filter: rendition.filter, raw };
    }),
  );
  return { renditions };
}
