/**
 * The worker: which images it takes from the image functions, how the state machine waits for it,
 * the Fargate service's size and capacity mix, its container image, and the autoscaling target
 * derived from the measured seconds per heavy image and the latency that is acceptable.
 */
import { DEFAULT_WORKER_ROUTE, type WorkerRoute } from '../../asl/definition';
import { MANIFEST } from '../../handlers/runtime/manifest';
import { choice, integer, optional, text } from './kinds';
import { stackNameFor } from './names';
import { isProd } from './shapes';

const WORKER = MANIFEST.worker;

/** Fargate's CPU sizes and the memory each allows (MiB). */
export const FARGATE_MEMORY_MB: Readonly<Record<number, { readonly min: number; readonly max: number; readonly step: number }>> = {
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

export const WORKER_SETTINGS = {
  workerThresholdPixels: integer({
    description: 'Images with more pixels (width × height of one frame) go to the worker instead of the image functions (ChooseProcessor); see docs/architecture.md for how the default was measured.',
    default: DEFAULT_WORKER_ROUTE.threshold.pixels,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    unit: 'pixels',
  }),
  workerThresholdBytes: integer({
    description: 'Uploads with more bytes go to the worker instead of the image functions (ChooseProcessor).',
    default: DEFAULT_WORKER_ROUTE.threshold.bytes,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    unit: 'bytes',
  }),
  workerHeartbeatSeconds: integer({
    description:
      'ProcessOnWorker’s HeartbeatSeconds: the task fails with States.HeartbeatTimeout when no worker has reported on it for this long, counted from when the message was sent (so it covers the wait in the queue).',
    default: DEFAULT_WORKER_ROUTE.heartbeatSeconds,
    min: 30,
    max: 86400,
    unit: 'seconds',
  }),
  workerTaskTimeoutSeconds: integer({
    description: 'ProcessOnWorker’s TimeoutSeconds: the longest the state machine waits for the worker, queueing included.',
    default: DEFAULT_WORKER_ROUTE.timeoutSeconds,
    min: 60,
    max: 86400,
    unit: 'seconds',
  }),
  workerCpu: choice([1024, 2048, 4096, 8192, 16384], { description: 'vCPU units of a worker task (1024 = one vCPU).', default: WORKER.cpu }),
  workerMemoryMb: integer({ description: 'Memory of a worker task; Fargate allows a range per CPU size.', default: WORKER.memoryMb, min: 2048, max: 122880, unit: 'MiB' }),
  workerMinTasks: integer({ description: 'Fewest worker tasks; 0 lets the service scale to nothing when both queues are empty.', default: 0, min: 0, max: 1000, unit: 'tasks' }),
  workerMaxTasks: integer({ description: 'Most worker tasks autoscaling may run.', default: (stage) => (isProd(stage) ? 20 : 4), min: 1, max: 1000, unit: 'tasks' }),
  workerOnDemandBase: integer({
    description: 'Tasks always placed on FARGATE (On-Demand) before the weights apply: a base that survives Spot interruptions.',
    default: 0,
    min: 0,
    max: 100000,
    unit: 'tasks',
  }),
  workerOnDemandWeight: integer({ description: 'Relative share of tasks beyond the base placed on FARGATE (On-Demand).', default: 1, min: 0, max: 1000 }),
  workerSpotWeight: integer({ description: 'Relative share of tasks beyond the base placed on FARGATE_SPOT.', default: 3, min: 0, max: 1000 }),
  workerSecondsPerImage: integer({
    description: 'Seconds one worker task spends per heavy image at its concurrency: `npm run bench:worker` measured 2.32 s (median of 3 rounds) on 2 cores, rounded up (docs/benchmarks.md); with the acceptable latency it sets the backlog each task is scaled to.',
    default: 3,
    min: 1,
    max: 3600,
    unit: 'seconds',
  }),
  workerAcceptableLatencySeconds: integer({
    description: 'How long a message may wait in the queues before it is started: the autoscaling target is this divided by workerSecondsPerImage messages per task.',
    default: 120,
    min: 1,
    max: 86400,
    unit: 'seconds',
  }),
  workerImageDigest: optional(
    text({
      description:
        'Digest of the worker’s container image in the stack’s ECR repository (CI pushes it and sets this); unset, the task definition takes the repository’s most recently pushed image, by its digest.',
      default: '',
      pattern: /^sha256:[a-f0-9]{64}$/,
      expected: 'an image digest (sha256: and 64 lowercase hex digits)',
    }),
  ),
} as const;

type WorkerSettings = { readonly [K in keyof typeof WORKER_SETTINGS]: ReturnType<(typeof WORKER_SETTINGS)[K]['parse']> } & {
  readonly workerQueueVisibilitySeconds: number;
  readonly workflowType: 'STANDARD' | 'EXPRESS';
};

/** A long poll's wait: what a redelivered message may sit before a worker asks for it. */
export const RECEIVE_WAIT_SECONDS = 20;

export function checkWorker(stage: string, settings: WorkerSettings): string[] {
  const stack = stackNameFor(stage);
  const problems: string[] = [];
  const memory = FARGATE_MEMORY_MB[settings.workerCpu]!;
  if (settings.workerMemoryMb < memory.min || settings.workerMemoryMb > memory.max || settings.workerMemoryMb % memory.step !== 0) {
    problems.push(
      `${stack}: expected workerMemoryMb to be from ${memory.min} to ${memory.max} MiB in steps of ${memory.step} for workerCpu ${settings.workerCpu}, as Fargate requires, but received ${settings.workerMemoryMb}.`,
    );
  }
  if (settings.workerMinTasks > settings.workerMaxTasks) {
    problems.push(`${stack}: expected workerMinTasks (${settings.workerMinTasks}) to be at most workerMaxTasks (${settings.workerMaxTasks}).`);
  }
  if (settings.workerOnDemandWeight + settings.workerSpotWeight === 0) {
    problems.push(`${stack}: expected workerOnDemandWeight or workerSpotWeight to be above 0 (ECS places no task beyond the base otherwise), but both are 0.`);
  }
  const redelivery = settings.workerQueueVisibilitySeconds + RECEIVE_WAIT_SECONDS;
  if (redelivery >= settings.workerHeartbeatSeconds) {
    problems.push(
      `${stack}: expected workerHeartbeatSeconds (${settings.workerHeartbeatSeconds}) to exceed workerQueueVisibilitySeconds plus a ${RECEIVE_WAIT_SECONDS} s long poll (${redelivery} s), so a message whose worker died is taken again before its task times out, but it does not.`,
    );
  }
  if (settings.workerAcceptableLatencySeconds >= settings.workerHeartbeatSeconds) {
    problems.push(
      `${stack}: expected workerAcceptableLatencySeconds (${settings.workerAcceptableLatencySeconds}) to be under workerHeartbeatSeconds (${settings.workerHeartbeatSeconds}): a heavy image waiting that long in the queue would time out.`,
    );
  }
  if (settings.workerHeartbeatSeconds > settings.workerTaskTimeoutSeconds) {
    problems.push(`${stack}: expected workerHeartbeatSeconds (${settings.workerHeartbeatSeconds}) to be at most workerTaskTimeoutSeconds (${settings.workerTaskTimeoutSeconds}).`);
  }
  return problems;
}

/** The worker route the stack builds and the local runner renders: only a Standard workflow can wait for a task token. */
export function workerRouteOf(settings: {
  readonly workflowType: 'STANDARD' | 'EXPRESS';
  readonly workerThresholdPixels: number;
  readonly workerThresholdBytes: number;
  readonly workerHeartbeatSeconds: number;
  readonly workerTaskTimeoutSeconds: number;
}): Omit<WorkerRoute, 'queueUrl'> | undefined {
  if (settings.workflowType !== 'STANDARD') return undefined;
  return {
    threshold: { pixels: settings.workerThresholdPixels, bytes: settings.workerThresholdBytes },
    heartbeatSeconds: settings.workerHeartbeatSeconds,
    timeoutSeconds: settings.workerTaskTimeoutSeconds,
  };
}
