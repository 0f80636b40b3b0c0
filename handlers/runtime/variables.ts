/**
 * Every runtime setting an entrypoint may read: the environment variable it travels in and how it
 * is written and read back. Which entrypoint reads which is in the manifest; env.ts does the
 * writing and reading per entrypoint.
 */
import { CodedError, type ErrorCode } from '../core/errors';

export interface Variable<Written, Read> {
  /** The environment variable's name. */
  readonly name: string;
  /** The variable's value for `value`, or undefined to leave it unset. */
  readonly write: (value: Written) => string | undefined;
  readonly read: (raw: string | undefined) => Read;
}

const DEFAULT_WORK_PREFIX = '_work/';
const DEFAULT_UPLOADS_PREFIX = 'uploads/';

function required(name: string): Variable<string, string> {
  return {
    name,
    write: (value) => value,
    read(raw) {
      if (!raw) throw new CodedError('INTERNAL', `Expected the environment variable ${name} to be set, but it is ${raw === '' ? 'empty' : 'missing'}.`);
      return raw;
    },
  };
}

/** A key prefix with a default. `emptyMeansDefault`: an empty prefix would mean the whole bucket. */
function prefix(name: string, fallback: string, options: { readonly emptyMeansDefault: boolean }): Variable<string, string> {
  return {
    name,
    write: (value) => value,
    read: (raw) => (raw === undefined || (raw === '' && options.emptyMeansDefault) ? fallback : raw),
  };
}

function optionalText(name: string): Variable<string | undefined, string | undefined> {
  return { name, write: (value) => value, read: (raw) => (raw === '' ? undefined : raw) };
}

/** A whole number of at least 1, or unset. */
function optionalCount(name: string, unit: string, code: ErrorCode): Variable<number | undefined, number | undefined> {
  return {
    name,
    write: (value) => (value === undefined ? undefined : String(value)),
    read(raw) {
      if (raw === undefined || raw === '') return undefined;
      const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new CodedError(code, `Expected ${name} to be a whole number of ${unit} of at least 1, but it is "${raw}".`);
      }
      return value;
    },
  };
}

/** A whole number of at least 1, always set (the stack writes it from a setting). */
function count(name: string, unit: string): Variable<number, number> {
  const optional = optionalCount(name, unit, 'INTERNAL');
  return {
    name,
    write: (value) => String(value),
    read(raw) {
      const value = optional.read(raw);
      if (value === undefined) throw new CodedError('INTERNAL', `Expected the environment variable ${name} to be set, but it is ${raw === '' ? 'empty' : 'missing'}.`);
      return value;
    },
  };
}

/** A whole number from `min` to `max`, or `fallback` when unset. */
function wholeNumber(name: string, unit: string, fallback: number, [min, max]: readonly [number, number]): Variable<number, number> {
  return {
    name,
    write: (value) => String(value),
    read(raw) {
      if (raw === undefined || raw === '') return fallback;
      const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        throw new CodedError('INTERNAL', `Expected ${name} to be a whole number of ${unit} from ${min} to ${max}, but it is "${raw}".`);
      }
      return value;
    },
  };
}

/** Every runtime setting, by the name entrypoints use for it. */
export const RUNTIME_SETTINGS = {
  /**
   * Read by Powertools, not by our code: the `service` key of every log line and the `service`
   * dimension of every metric — the stack's name, which the alarms and the dashboard select by.
   */
  serviceName: required('POWERTOOLS_SERVICE_NAME'),
  /** The raw bucket: uploads under the uploads prefix. */
  rawBucket: required('RAW_BUCKET'),
  /** The processed bucket: outputs under `<jobId>/`, scratch under the work prefix. */
  processedBucket: required('PROCESSED_BUCKET'),
  workPrefix: prefix('WORK_PREFIX', DEFAULT_WORK_PREFIX, { emptyMeansDefault: true }),
  /** Only uploads under it start a job; empty means every key. */
  uploadsPrefix: prefix('UPLOADS_PREFIX', DEFAULT_UPLOADS_PREFIX, { emptyMeansDefault: false }),
  jobsTable: required('JOBS_TABLE'),
  /** Days before a new job record expires; unset keeps the job store's default. */
  jobTtlDays: optionalCount('JOB_TTL_DAYS', 'days', 'INTERNAL'),
  successTopicArn: required('SUCCESS_TOPIC_ARN'),
  errorTopicArn: required('ERROR_TOPIC_ARN'),
  stateMachineArn: required('STATE_MACHINE_ARN'),
  /** How long a job may stay open before the reconciler's sweep ends it: the longest an execution may run, and a margin. */
  staleJobSeconds: optionalCount('JOB_STALE_AFTER_SECONDS', 'seconds', 'INTERNAL'),
  /** A preset as JSON text, parsed by handlers/runtime/image-settings.ts; unset means the default preset. */
  imagePreset: optionalText('IMAGE_PRESET'),
  /** Input limits; each unset one keeps its default from handlers/core/limits.ts. */
  maxInputBytes: optionalCount('MAX_INPUT_BYTES', 'bytes', 'INVALID_INPUT'),
  maxInputPixels: optionalCount('MAX_INPUT_PIXELS', 'pixels', 'INVALID_INPUT'),
  maxInputFrames: optionalCount('MAX_INPUT_FRAMES', 'frames', 'INVALID_INPUT'),
  /**
   * Images with more pixels (width × height) or bytes than these go to the worker: ValidateImage
   * checks them without decoding and the state machine's ChooseProcessor routes them to
   * ProcessOnWorker. Unset (no worker route, as on an Express workflow): every image is decoded in ValidateImage.
   */
  workerThresholdPixels: optionalCount('WORKER_THRESHOLD_PIXELS', 'pixels', 'INTERNAL'),
  workerThresholdBytes: optionalCount('WORKER_THRESHOLD_BYTES', 'bytes', 'INTERNAL'),
  /** The worker's FIFO queues: heavy images from the state machine, and album reprocessing (which the API enqueues on). */
  heavyQueueUrl: required('HEAVY_QUEUE_URL'),
  reprocessQueueUrl: required('REPROCESS_QUEUE_URL'),
  /** The queues' visibility timeout: the worker extends a message's visibility by this much, a third of it before it runs out. */
  workerVisibilitySeconds: count('WORKER_VISIBILITY_SECONDS', 'seconds'),
  /** ProcessOnWorker's HeartbeatSeconds: the worker sends a task heartbeat at least three times within it. */
  workerHeartbeatSeconds: count('WORKER_HEARTBEAT_SECONDS', 'seconds'),
  /** Decoded image bytes the worker admits at once; unset, half the memory the process may have (its container's). */
  workerMemoryBudgetMb: optionalCount('WORKER_MEMORY_BUDGET_MB', 'MiB', 'INTERNAL'),
  /** Deliveries before a message moves to its dead-letter queue: on the last one, a failure ends the job. */
  workerMaxReceiveCount: count('WORKER_MAX_RECEIVE_COUNT', 'deliveries'),
  /** The API's listening address and port. */
  apiHost: { name: 'API_HOST', write: (value: string) => value, read: (raw: string | undefined) => raw || '0.0.0.0' },
  apiPort: wholeNumber('API_PORT', 'a TCP port', 8080, [0, 65535]),
  /** How long a presigned upload, and a presigned download of an output, stays valid. */
  uploadUrlSeconds: wholeNumber('UPLOAD_URL_SECONDS', 'seconds', 300, [1, 3600]),
  downloadUrlSeconds: wholeNumber('DOWNLOAD_URL_SECONDS', 'seconds', 300, [1, 3600]),
  /** Requests per minute one token may make before the API answers 429. */
  apiRateLimitPerMinute: wholeNumber('API_RATE_LIMIT_PER_MINUTE', 'requests', 600, [1, 1_000_000]),
  /** How long the API trusts a token it looked up; a revoked token is refused at most this much later. */
  tokenCacheSeconds: wholeNumber('TOKEN_CACHE_SECONDS', 'seconds', 10, [0, 300]),
  /** After SIGTERM, how long requests in flight may take: within the load balancer's deregistration delay. */
  shutdownGraceSeconds: wholeNumber('SHUTDOWN_GRACE_SECONDS', 'seconds', 25, [1, 300]),
} as const satisfies Readonly<Record<string, Variable<never, unknown>>>;

export type RuntimeSetting = keyof typeof RUNTIME_SETTINGS;

export type WrittenValue<S extends RuntimeSetting> = Parameters<(typeof RUNTIME_SETTINGS)[S]['write']>[0];
export type ReadValue<S extends RuntimeSetting> = ReturnType<(typeof RUNTIME_SETTINGS)[S]['read']>;

