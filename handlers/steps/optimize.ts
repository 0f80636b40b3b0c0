/**
 * OptimizeImage: encodes every raw intermediate into the formats the preset gives its name and
 * writes the web-ready outputs as `<jobId>/<name>.<ext>`. It leaves the scratch objects in place,
 * so a retry after any failure (even after the last write) finds its inputs; the terminal steps
 * remove them.
 */
import { encodeRendition } from '../core/encode';
import type { Preset } from '../core/preset';
import type { RawImage } from '../core/raw-image';
import type { IntermediateRendition, OutputRecord } from '../workflow/events';
import type { JobStore, ObjectStore } from './ports';
import { readWorkingImage, type WorkArea } from './working-images';

/** Outputs are named by content (a new upload is a new job id), so they can be cached forever. */
const OUTPUT_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export interface OptimizeDeps {
  readonly objects: ObjectStore;
  readonly jobs: Pick<JobStore, 'advance'>;
  readonly work: WorkArea;
  readonly preset: Preset;
  readonly outputBucket: string;
}

export interface OptimizeEvent {
  readonly jobId: string;
  readonly resized: readonly IntermediateRendition[];
  readonly filtered: readonly IntermediateRendition[];
}

export async function optimizeImage(event: OptimizeEvent, deps: OptimizeDeps): Promise<{ outputs: OutputRecord[] }> {
  await deps.jobs.advance(event.jobId, 'OPTIMIZING');
  const intermediates = [...event.resized, ...event.filtered];
  // Several renditions may point at the same working image (the master); read each object once.
  const images = new Map<string, Promise<RawImage>>();
  const read = (intermediate: IntermediateRendition) => {
    let image = images.get(intermediate.raw.key);
    if (!image) {
      image = readWorkingImage(deps.objects, intermediate.raw);
      images.set(intermediate.raw.key, image);
    }
    return image;
  };

  const encoded = await Promise.all(
    intermediates.map(async (intermediate) =>
      encodeRendition(
        { name: intermediate.name, rendition: intermediate.rendition, filter: intermediate.filter, image: await read(intermediate) },
        deps.preset,
      ),
    ),
  );
  const outputs = await Promise.all(
    encoded.flat().map(async (output): Promise<OutputRecord> => {
      const key = `${event.jobId}/${output.name}`;
      await deps.objects.put({ bucket: deps.outputBucket, key }, output.data, {
        contentType: output.contentType,
        cacheControl: OUTPUT_CACHE_CONTROL,
      });
      return {
        name: output.name,
        filter: output.filter,
        format: output.format,
        width: output.width,
        height: output.height,
        bytes: output.data.length,
        bucket: deps.outputBucket,
        key,
      };
    }),
  );
  return { outputs };
}
