/**
 * The image steps in one process, for the worker: ValidateImage's checks and its one decode
 * (against the worker's memory instead of a function's), ResizeImage and ApplyFilters from the
 * working image, then OptimizeImage — the very step functions the Lambdas run, over the same
 * ports, passing the same pointers through the same scratch prefix.
 */
import type { Limits } from '../core/limits';
import type { Preset } from '../core/preset';
import type { JobError, JobInput, OutputRecord } from '../workflow/events';
import { applyFilters, resizeImage } from './derive-renditions';
import { optimizeImage } from './optimize';
import type { JobStore, ObjectStore } from './ports';
import { validateUpload } from './validate';
import type { WorkArea } from './working-images';

export interface ImageStepsDeps {
  readonly objects: ObjectStore;
  /** Where the steps record progress (a reprocessing run leaves the job's status alone). */
  readonly jobs: Pick<JobStore, 'advance'>;
  readonly work: WorkArea;
  readonly preset: Preset;
  readonly limits: Limits;
  readonly outputBucket: string;
  /** The worker's memory: an image whose decode cannot fit fails with EXCEEDS_MEMORY. */
  readonly memoryLimitBytes: number;
}

export type ImageStepsResult = { readonly valid: true; readonly outputs: OutputRecord[] } | { readonly valid: false; readonly error: JobError };

export async function runImageSteps(job: Pick<JobInput, 'jobId' | 'source'>, deps: ImageStepsDeps): Promise<ImageStepsResult> {
  const validation = await validateUpload(job, deps);
  if (!validation.valid) return validation;
  const master = validation.master!;
  const [resized, filtered] = await Promise.all([
    resizeImage({ jobId: job.jobId, master }, deps),
    applyFilters({ jobId: job.jobId, master }, deps),
  ]);
  const { outputs } = await optimizeImage({ jobId: job.jobId, resized: resized.renditions, filtered: filtered.renditions }, deps);
  return { valid: true, outputs };
}
