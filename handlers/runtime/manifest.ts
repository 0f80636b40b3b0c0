/**
 * Every entrypoint, described once. The stack builds each function, its role and its policy from
 * this description; the local runner builds its functions and their environment from it; the
 * state machine definition names its Task resources after it. Adding an entrypoint is one entry
 * here and one thin file under `handlers/entrypoints/<kind>/<name>.ts` (docs/architecture.md).
 */
import type { RuntimeSetting } from './variables';

/** Where an entrypoint runs: a Lambda function, the HTTP API on the EC2 fleet, or the queue worker's container on Fargate. */
export type EntrypointKind = 'lambda' | 'api' | 'worker';

/** What invokes an entrypoint. */
export type Trigger =
  /** S3 ObjectCreated under the uploads prefix, asynchronously (retries, then a dead-letter queue). */
  | 'upload'
  /** A Task state of the image pipeline's state machine, synchronously. */
  | 'task'
  /** EventBridge: the state machine's executions that end FAILED, TIMED_OUT or ABORTED, and a schedule. */
  | 'workflow-status'
  /** Messages on the worker's FIFO queues (heavy images, album reprocessing), long-polled. */
  | 'queue';

/**
 * What an entrypoint may touch, as data: each key a resource of the stack, each value the
 * operations on it. The stack grants them in the order the keys are written, so a policy reads in
 * the order of its entry here.
 */
export interface AccessNeeds {
  /**
   * Uploads under the raw bucket's uploads prefix: `read` them, `presign` uploads of them (the
   * signer of a presigned POST needs the right to put the object), `delete` them.
   */
  readonly uploads?: readonly ('read' | 'presign' | 'delete')[];
  /** The scratch prefix of the processed bucket (working images and intermediates). */
  readonly work?: readonly ('read' | 'write' | 'delete' | 'list')[];
  /** The processed bucket as a whole: outputs (`read` also signs their download URLs), and a failed job's leftovers. */
  readonly outputs?: readonly ('read' | 'write' | 'list' | 'delete')[];
  /**
   * Job records: `create` inserts; `start` takes and releases the start lease and records the
   * execution; `advance` moves a job forward (and records its notification); `listOpen` reads
   * the open-jobs index; `uploads` records, reads and deletes the upload records the API keeps
   * beside the jobs; `queryUploads` reads the by-owner and by-upload indexes; `readTokens` looks
   * up API tokens by their hash.
   */
  readonly jobs?: readonly ('create' | 'start' | 'advance' | 'listOpen' | 'uploads' | 'queryUploads' | 'readTokens')[];
  /** The notification topics it publishes to. */
  readonly topics?: readonly ('success' | 'error')[];
  /**
   * Calls on the image pipeline's state machine: start executions, describe them, `callback`:
   * report a waiting task's heartbeat, success or failure by its token.
   */
  readonly stateMachine?: readonly ('start' | 'describe' | 'callback')[];
  /**
   * The worker's FIFO queues: `consume` takes messages from both (receive, extend visibility,
   * delete); `enqueueReprocess` sends to the reprocess queue (and encrypts with its key).
   */
  readonly queues?: readonly ('consume' | 'enqueueReprocess')[];
}

/** A Lambda function. */
export interface FunctionDescription {
  readonly kind: 'lambda';
  readonly trigger: Exclude<Trigger, 'queue'>;
  /** One line for people: the function's description. */
  readonly description: string;
  /** Default memory; a setting (`<name>MemoryMb`) may change it. */
  readonly memoryMb: number;
  /** Default timeout; a setting (`<name>TimeoutSeconds`) may change it. */
  readonly timeoutSeconds: number;
  /**
   * Default reserved concurrency (a setting, `<name>ReservedConcurrency`, may change it): both the
   * most instances it runs at once and what it keeps of the account's pool, so a burst of uploads
   * can neither starve other functions of the account nor be starved by them.
   */
  readonly reservedConcurrency: number;
  /** Decodes or encodes images: bundled without sharp, which comes from the layer, and given at least 1536 MB. */
  readonly needsSharp: boolean;
  /** The runtime settings it reads (handlers/runtime/variables.ts); the stack sets exactly these. */
  readonly environment: readonly RuntimeSetting[];
  readonly access: AccessNeeds;
}

/** A long-running HTTP service: its size and count are the fleet's settings, not the entry's. */
export interface ServiceDescription {
  readonly kind: 'api';
  readonly description: string;
  readonly needsSharp: false;
  readonly environment: readonly RuntimeSetting[];
  /** What its instance profile grants, and nothing more. */
  readonly access: AccessNeeds;
}

/** A long-running queue consumer in a container: sized per task, stopped with SIGTERM. */
export interface WorkerDescription {
  readonly kind: 'worker';
  readonly trigger: 'queue';
  /** One line for people: the task definition's description. */
  readonly description: string;
  /** Decodes or encodes images: the image carries sharp's linux-arm64 binaries. */
  readonly needsSharp: boolean;
  /** The runtime settings it reads (handlers/runtime/variables.ts); the stack sets exactly these. */
  readonly environment: readonly RuntimeSetting[];
  /** What its task role grants, and nothing more. */
  readonly access: AccessNeeds;
  /** Default task memory; a setting (`workerMemoryMb`) may change it. */
  readonly memoryMb: number;
  /** Default task CPU in vCPU units (1024 = one vCPU); a setting (`workerCpu`) may change it. */
  readonly cpu: number;
  /** Seconds between SIGTERM and SIGKILL: how long in-flight work may take to finish (Fargate allows at most 120). */
  readonly stopTimeoutSeconds: number;
}

export type EntrypointDescription = FunctionDescription | ServiceDescription | WorkerDescription;
const IMAGE_STEP = { kind: 'lambda', trigger: 'task', memoryMb: 2048, timeoutSeconds: 120, reservedConcurrency: 20, needsSharp: true } as const;
const NOTIFY_STEP = { kind: 'lambda', trigger: 'task', memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 10, needsSharp: false } as const;
/** What every entrypoint's logger and metrics read (handlers/runtime/telemetry.ts). */
const TELEMETRY_SETTINGS = ['serviceName'] as const;
const STEP_SETTINGS = [...TELEMETRY_SETTINGS, 'processedBucket', 'workPrefix', 'jobsTable'] as const;

export const MANIFEST = {
  'start-workflow': {
    kind: 'lambda',
    trigger: 'upload',
    description: 'Starts one idempotently named workflow execution per uploaded object',
    memoryMb: 256,
    timeoutSeconds: 30,
    reservedConcurrency: 10,
    needsSharp: false,
    environment: [...TELEMETRY_SETTINGS, 'jobsTable', 'jobTtlDays', 'stateMachineArn', 'uploadsPrefix'],
    access: { jobs: ['create', 'start'], stateMachine: ['start'] },
  },
  validate: {
    ...IMAGE_STEP,
    description: 'ValidateImage: checks the upload and writes the raw working image',
    environment: [...STEP_SETTINGS, 'imagePreset', 'maxInputBytes', 'maxInputPixels', 'maxInputFrames', 'workerThresholdPixels', 'workerThresholdBytes'],
    access: { uploads: ['read'], work: ['write'], jobs: ['advance'] },
  },
  resize: {
    ...IMAGE_STEP,
    description: 'ResizeImage: derives the renditions from the working image',
    environment: [...STEP_SETTINGS, 'imagePreset'],
    access: { work: ['read', 'write'], jobs: ['advance'] },
  },
  filters: {
    ...IMAGE_STEP,
    description: 'ApplyFilters: derives the filtered variants from the working image',
    environment: [...STEP_SETTINGS, 'imagePreset'],
    access: { work: ['read', 'write'], jobs: ['advance'] },
  },
  optimize: {
    ...IMAGE_STEP,
    description: 'OptimizeImage: encodes the outputs into the processed bucket',
    memoryMb: 3008,
    timeoutSeconds: 300,
    environment: [...STEP_SETTINGS, 'imagePreset'],
    access: { work: ['read'], outputs: ['write'], jobs: ['advance'] },
  },
  // The terminal steps remove the job's scratch objects (so OptimizeImage stays safe to retry).
  'notify-success': {
    ...NOTIFY_STEP,
    description: 'NotifySuccess: records SUCCEEDED and publishes to the success topic',
    environment: [...STEP_SETTINGS, 'successTopicArn'],
    access: { work: ['delete', 'list'], jobs: ['advance'], topics: ['success'] },
  },
  'notify-error': {
    ...NOTIFY_STEP,
    description: 'NotifyError: records FAILED, removes partial outputs, publishes to the error topic',
    environment: [...STEP_SETTINGS, 'errorTopicArn'],
    access: { jobs: ['advance'], topics: ['error'], outputs: ['list', 'delete'] },
  },
  reconcile: {
    kind: 'lambda',
    trigger: 'workflow-status',
    description: 'Reconciler: ends the jobs of executions that failed, timed out or were aborted, and sweeps for stuck jobs',
    memoryMb: 256,
    timeoutSeconds: 300,
    reservedConcurrency: 2,
    needsSharp: false,
    environment: [...STEP_SETTINGS, 'successTopicArn', 'errorTopicArn', 'stateMachineArn', 'staleJobSeconds'],
    access: { jobs: ['advance', 'listOpen'], topics: ['success', 'error'], outputs: ['list', 'delete'], stateMachine: ['describe'] },
  },
  // Heavy images (ProcessOnWorker) and album reprocessing: the same steps as the image functions, in one process.
  worker: {
    kind: 'worker',
    trigger: 'queue',
    description: 'Worker: decodes, resizes, filters and optimizes heavy images and reprocesses albums, from the FIFO queues',
    memoryMb: 8192,
    cpu: 2048,
    stopTimeoutSeconds: 120,
    needsSharp: true,
    environment: [
      ...STEP_SETTINGS,
      'imagePreset',
      'maxInputBytes',
      'maxInputPixels',
      'maxInputFrames',
      'heavyQueueUrl',
      'reprocessQueueUrl',
      'workerVisibilitySeconds',
      'workerHeartbeatSeconds',
      'workerMaxReceiveCount',
      'workerMemoryBudgetMb',
    ],
    access: { uploads: ['read'], work: ['read', 'write', 'delete', 'list'], outputs: ['write', 'list', 'delete'], jobs: ['advance'], queues: ['consume'], stateMachine: ['callback'] },
  },
  api: {
    kind: 'api',
    description: 'The upload and gallery API: presigned uploads, job status, listing and deletion per owner, album reprocessing',
    needsSharp: false,
    environment: [
      ...TELEMETRY_SETTINGS,
      'rawBucket',
      'uploadsPrefix',
      'processedBucket',
      'jobsTable',
      'jobTtlDays',
      'maxInputBytes',
      'apiHost',
      'apiPort',
      'uploadUrlSeconds',
      'downloadUrlSeconds',
      'apiRateLimitPerMinute',
      'tokenCacheSeconds',
      'shutdownGraceSeconds',
      'reprocessQueueUrl',
    ],
    access: { uploads: ['presign', 'delete'], outputs: ['read', 'list', 'delete'], jobs: ['uploads', 'queryUploads', 'readTokens'], queues: ['enqueueReprocess'] },
  },
} as const satisfies Readonly<Record<string, EntrypointDescription>>;

export type EntrypointName = keyof typeof MANIFEST;

/** Every entrypoint, in manifest order. */
export const ENTRYPOINTS = Object.freeze(Object.keys(MANIFEST) as EntrypointName[]);

/** The entrypoints that are Lambda functions. */
export type FunctionName = { [N in EntrypointName]: (typeof MANIFEST)[N]['kind'] extends 'lambda' ? N : never }[EntrypointName];

export const FUNCTIONS = Object.freeze(ENTRYPOINTS.filter((name): name is FunctionName => MANIFEST[name].kind === 'lambda'));

/** The entrypoints that run as containers on the worker service. */
export type WorkerEntrypointName = { [N in EntrypointName]: (typeof MANIFEST)[N]['kind'] extends 'worker' ? N : never }[EntrypointName];

export const WORKER_ENTRYPOINTS = Object.freeze(ENTRYPOINTS.filter((name): name is WorkerEntrypointName => MANIFEST[name].kind === 'worker'));
/** The entrypoints the state machine invokes as Task states. */
export type TaskEntrypointName = { [N in FunctionName]: (typeof MANIFEST)[N]['trigger'] extends 'task' ? N : never }[FunctionName];

export const TASK_ENTRYPOINTS = Object.freeze(FUNCTIONS.filter((name): name is TaskEntrypointName => MANIFEST[name].trigger === 'task'));

/** The runtime settings an entrypoint reads. */
export type EnvironmentOf<N extends EntrypointName> = (typeof MANIFEST)[N]['environment'][number];

/** The one function `trigger` invokes. */
export function entrypointTriggeredBy(trigger: Exclude<Trigger, 'queue'>): FunctionName {
  const names = FUNCTIONS.filter((name) => MANIFEST[name].trigger === trigger);
  if (names.length !== 1) throw new Error(`Expected exactly one entrypoint triggered by ${trigger}, but the manifest has ${names.length}: ${names.join(', ')}.`);
  return names[0]!;
}

export function describeEntrypoint(name: EntrypointName): EntrypointDescription {
  return MANIFEST[name];
}

export function describeFunction(name: FunctionName): FunctionDescription {
  return MANIFEST[name];
}

/** The entrypoint's module, relative to the repository root; a function's exports `handler`, the API's `main`, the worker's `startWorker`. */
export function entrypointSource(name: EntrypointName): string {
  return `handlers/entrypoints/${MANIFEST[name].kind}/${name}.ts`;
}
