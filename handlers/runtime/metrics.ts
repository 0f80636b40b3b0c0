/**
 * The business metrics the entrypoints publish as CloudWatch embedded metric format (EMF) log
 * lines — no PutMetricData call — and the stack's alarms and dashboard read: one list of names,
 * so what the code emits and what the monitoring expects cannot drift apart.
 */

/** CloudWatch namespace of every business metric; each is dimensioned by `service`, the stack's name. */
export const METRICS_NAMESPACE = 'ImageProcessor';

/** The dimension Powertools Metrics adds to every metric: the service (here, the stack) it came from. */
export const SERVICE_DIMENSION = 'service';

/** ImagesFailed's dimension: the job's stable error code. */
export const CODE_DIMENSION = 'code';

/** StateDuration's dimension: the entrypoint whose function ran (validate, resize, …), or the worker. */
export const STEP_DIMENSION = 'step';
/** The step ProcessOnWorker's time is recorded under: the worker's, the Task itself being SQS's. */
export const WORKER_STEP = 'worker';

export const BUSINESS_METRICS = {
  /** A job that ended SUCCEEDED (count). */
  imagesProcessed: 'ImagesProcessed',
  /** A job that ended FAILED, by its `code` (count). */
  imagesFailed: 'ImagesFailed',
  /** Bytes of the uploads validated. */
  bytesIn: 'BytesIn',
  /** Bytes of the outputs written. */
  bytesOut: 'BytesOut',
  /** Milliseconds one workflow step's function took, by `step`. */
  stateDuration: 'StateDuration',
  /** A job the reconciler had to end: the workflow broke, not the image (count). */
  jobsReconciled: 'JobsReconciled',
} as const;
