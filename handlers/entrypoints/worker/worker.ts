/**
 * The worker: the queue consumer over both FIFO queues, wired to the image steps through the same
 * adapters the functions use, its settings read through its manifest entry. `startWorker` is what
 * the container's command (main.ts), `npm run worker` and the local runners start; the caller
 * decides when to stop it (SIGTERM in a container) and gets the drain's report.
 */
import { createAwsClients } from '../../adapters/clients';
import { StepFunctionsTaskCallbacks } from '../../adapters/task-callbacks';
import { SqsWorkQueue, type QueueMessage } from '../../adapters/work-queue';
import { HEADER_PREFIX_BYTES, declaredDecodeHeader } from '../../core/inspect';
import { decodedBytes } from '../../core/memory';
import { parsePreset } from '../../core/preset';
import { createAdmission, defaultMemoryBudget, MiB, processMemory } from '../../runtime/admission';
import { readRuntimeEnv } from '../../runtime/env';
import { limitsFrom, presetFromJson } from '../../runtime/image-settings';
import { invocationTelemetry } from '../../runtime/telemetry';
import { parseWorkerMessage } from '../../workflow/worker-messages';
import { jobStore, objectStore, workArea } from '../dependencies';
import { QueueConsumer, type DrainReport } from './consumer';
import { messageHandler } from './handle-message';

export interface WorkerOptions {
  /** Decoded bytes admitted at once. @default half the memory this process may have, as for the local runners */
  readonly memoryBudgetBytes?: number;
  /** Seconds a long poll waits. @default 20 */
  readonly waitSeconds?: number;
}

export interface RunningWorker {
  /** Stops receiving at once, gives back what has not started, waits up to `deadlineMs` for the rest. */
  stop(deadlineMs: number): Promise<DrainReport>;
}

export function startWorker(options: WorkerOptions = {}): RunningWorker {
  const settings = readRuntimeEnv('worker');
  const budget = options.memoryBudgetBytes ?? (settings.workerMemoryBudgetMb ? settings.workerMemoryBudgetMb * MiB : defaultMemoryBudget());
  const clients = createAwsClients();
  const objects = objectStore();
  const jobs = jobStore(settings);
  const steps = {
    objects,
    work: workArea(settings),
    limits: limitsFrom(settings),
    outputBucket: settings.processedBucket,
    // A decode is checked against the container's memory, as ValidateImage's against its function's; the budget only paces admissions.
    memoryLimitBytes: processMemory(),
  };
  const handle = messageHandler({
    heavy: { ...steps, jobs, preset: presetFromJson(settings.imagePreset) },
    reprocess: { ...steps, jobs },
    callbacks: new StepFunctionsTaskCallbacks(clients.sfn),
    heartbeatEverySeconds: Math.min(settings.workerVisibilitySeconds, settings.workerHeartbeatSeconds) / 3,
    maxReceiveCount: settings.workerMaxReceiveCount,
    presetOf: (json) => (json === undefined ? presetFromJson(settings.imagePreset) : parsePreset(json)),
  });
  const log = invocationTelemetry('worker', undefined, {}).logger;

  /** What a message weighs: the decode ValidateImage measured, or for a reprocess the upload's header. */
  const weigh = async (message: QueueMessage): Promise<number> => {
    let parsed;
    try {
      parsed = parseWorkerMessage(message.body);
    } catch {
      return 0;
    }
    if (parsed.type === 'process') return parsed.image.decodedBytes;
    const record = await jobs.get(parsed.jobId);
    if (!record) return 0;
    const prefix = await objects.getBytes(record.source, { maxBytes: HEADER_PREFIX_BYTES, range: { start: 0, end: Math.min(record.source.size, HEADER_PREFIX_BYTES) - 1 } });
    const header = await declaredDecodeHeader(prefix);
    return header ? decodedBytes(header) : budget;
  };

  const consumer = new QueueConsumer({
    queues: [new SqsWorkQueue(clients.sqs, settings.heavyQueueUrl), new SqsWorkQueue(clients.sqs, settings.reprocessQueueUrl)],
    visibilitySeconds: settings.workerVisibilitySeconds,
    admission: createAdmission(budget),
    weigh,
    handle,
    log: { info: (m, k) => log.info(m, k ?? {}), warn: (m, k) => log.warn(m, k ?? {}), error: (m, k) => log.error(m, k ?? {}) },
    ...(options.waitSeconds === undefined ? {} : { waitSeconds: options.waitSeconds }),
  });
  consumer.start();
  log.info('The worker is taking messages.', { queues: [settings.heavyQueueUrl, settings.reprocessQueueUrl], memoryBudgetMiB: Math.floor(budget / MiB) });
  return {
    async stop(deadlineMs) {
      log.info('Stopping: no more messages are taken.', { held: consumer.heldCount });
      const report = await consumer.stop(deadlineMs);
      log.info('Stopped.', { ...report });
      return report;
    },
  };
}
