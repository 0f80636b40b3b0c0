/**
 * Which images go to the worker instead of the image functions: those with more pixels
 * (width × height of one frame) or more bytes than the thresholds. ValidateImage decides with this
 * whether to decode (it does not, for the worker's images), and the state machine's
 * ChooseProcessor is built from the same thresholds (asl/definition.ts); a test runs both on the
 * same images.
 */

export interface WorkerThreshold {
  /** More pixels than this go to the worker. */
  readonly pixels: number;
  /** More bytes than this go to the worker. */
  readonly bytes: number;
}

/**
 * The default thresholds (the settings `workerThresholdPixels`/`workerThresholdBytes`): what the
 * image functions decode comfortably, measured in docs/benchmarks.md.
 */
export const DEFAULT_WORKER_THRESHOLD: WorkerThreshold = { pixels: 40_000_000, bytes: 25 * 1024 * 1024 };

export function routesToWorker(image: { readonly pixels: number; readonly bytes: number }, threshold: WorkerThreshold | undefined): boolean {
  return threshold !== undefined && (image.pixels > threshold.pixels || image.bytes > threshold.bytes);
}

/** The threshold from the validate function's two settings: both set, or no worker route at all. */
export function workerThresholdFrom(settings: { readonly workerThresholdPixels: number | undefined; readonly workerThresholdBytes: number | undefined }): WorkerThreshold | undefined {
  const { workerThresholdPixels: pixels, workerThresholdBytes: bytes } = settings;
  return pixels === undefined || bytes === undefined ? undefined : { pixels, bytes };
}
