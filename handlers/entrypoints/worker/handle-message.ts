/**
 * What the worker does with one message: a `process` message runs the heavy job and reports on
 * its task token (heartbeats while it works, then the outputs or the stable code); a `reprocess`
 * message reprocesses one upload. On a message's last delivery (its next would dead-letter it), a
 * failure is reported on the token too, so the workflow records the job FAILED with that code
 * while the message goes to the dead-letter queue for a person to look at.
 */
import { createHash } from 'node:crypto';
import { CodedError, isCodedError } from '../../core/errors';
import type { QueueMessage } from '../../adapters/work-queue';
import { BUSINESS_METRICS, STEP_DIMENSION, WORKER_STEP } from '../../runtime/metrics';
import { recordOutputsWritten } from '../../runtime/outcome-telemetry';
import { invocationTelemetry, type Telemetry } from '../../runtime/telemetry';
import { processHeavyJob, type HeavyJobDeps } from '../../steps/process-heavy';
import type { TaskCallbacks } from '../../steps/ports';
import { reprocessJob, type ReprocessDeps } from '../../steps/reprocess';
import type { JobError } from '../../workflow/events';
import { parseWorkerMessage, type ProcessMessage, type ReprocessMessage } from '../../workflow/worker-messages';
import type { MessageVerdict } from './consumer';

export interface WorkerServices {
  readonly heavy: HeavyJobDeps;
  readonly reprocess: Omit<ReprocessDeps, 'preset'>;
  readonly callbacks: TaskCallbacks;
  /** Seconds between task heartbeats. */
  readonly heartbeatEverySeconds: number;
  /** Deliveries before SQS dead-letters a message. */
  readonly maxReceiveCount: number;
  /** The preset a reprocess message names, checked (INVALID_PRESET). */
  readonly presetOf: (json: unknown) => ReprocessDeps['preset'];
}

export function messageHandler(services: WorkerServices): (message: QueueMessage) => Promise<MessageVerdict> {
  return async (message) => {
    const lastDelivery = message.receiveCount >= services.maxReceiveCount;
    let parsed;
    try {
      parsed = parseWorkerMessage(message.body);
    } catch (error) {
      const telemetry = invocationTelemetry('worker', undefined, { messageId: message.messageId, queue: message.queueUrl });
      telemetry.logger.error('A message no worker can take: it is given back until its deliveries run out and SQS dead-letters it.', { error: codedOf(error) });
      return 'retry';
    }
    const telemetry = invocationTelemetry('worker', undefined, { jobId: parsed.jobId, messageId: message.messageId, type: parsed.type });
    return parsed.type === 'process'
      ? processMessage(parsed, message, lastDelivery, services, telemetry)
      : reprocessMessage(parsed, services, telemetry);
  };
}

async function processMessage(request: ProcessMessage, message: QueueMessage, lastDelivery: boolean, services: WorkerServices, telemetry: Telemetry): Promise<MessageVerdict> {
  const { logger } = telemetry;
  logger.appendKeys({ upload: request.source.key });
  const { callbacks } = services;
  let gone = false;
  const beat = setInterval(() => {
    callbacks.heartbeat(request.taskToken).then(
      (answer) => (gone ||= answer === 'gone'),
      (error: unknown) => logger.warn('A task heartbeat failed.', { error: codedOf(error) }),
    );
  }, services.heartbeatEverySeconds * 1000);
  const started = performance.now();
  try {
    await callbacks.heartbeat(request.taskToken).then((answer) => (gone ||= answer === 'gone'));
    if (gone) {
      logger.warn('The workflow no longer waits for this task (it timed out or ended); the message is dropped.');
      return 'done';
    }
    logger.info('Taking the job.', { receiveCount: message.receiveCount });
    const outcome = await processHeavyJob(request, taskDeduplicationId(request.taskToken), services.heavy);
    telemetry.metric(BUSINESS_METRICS.stateDuration, performance.now() - started, 'Milliseconds', { [STEP_DIMENSION]: WORKER_STEP });
    if (outcome.kind === 'ended') {
      logger.info(`The job has already ended ${outcome.status}; nothing to do.`);
      return 'done';
    }
    if (outcome.kind === 'rejected') {
      logger.info('The image was rejected.', { code: outcome.error.code, reason: outcome.error.message });
      await report(callbacks.fail(request.taskToken, outcome.error), telemetry);
      return 'done';
    }
    // ValidateImage counted the upload's bytes in; the outputs are the worker's to count.
    if (!outcome.repeated) recordOutputsWritten(outcome.outputs, telemetry);
    logger.info(outcome.repeated ? 'Reporting the outputs recorded by an earlier delivery.' : 'Processed.', { outputs: outcome.outputs.length, ms: Math.round(performance.now() - started) });
    await report(callbacks.succeed(request.taskToken, { outputs: outcome.outputs }), telemetry);
    return 'done';
  } catch (error) {
    if (!lastDelivery) throw error;
    const coded = codedOf(error);
    logger.error('The last delivery failed too: the job is failed with its code, and the message is dead-lettered.', { code: coded.code, reason: coded.message });
    await report(callbacks.fail(request.taskToken, { code: coded.code, message: `The worker failed ${message.receiveCount} times: ${coded.message}` }), telemetry);
    return 'retry';
  } finally {
    clearInterval(beat);
  }
}

async function reprocessMessage(request: ReprocessMessage, services: WorkerServices, telemetry: Telemetry): Promise<MessageVerdict> {
  const started = performance.now();
  const { logger } = telemetry;
  let preset;
  try {
    preset = services.presetOf(request.preset);
  } catch (error) {
    if (!isCodedError(error) || error.code !== 'INVALID_PRESET') throw error;
    logger.warn('Not reprocessed: the batch’s preset is invalid.', { batchId: request.batchId, reason: error.message });
    return 'done';
  }
  const outcome = await reprocessJob(request, { ...services.reprocess, preset });
  if (outcome.kind === 'skipped') logger.info(`Not reprocessed: ${outcome.reason}.`, { batchId: request.batchId });
  if (outcome.kind === 'rejected') logger.warn('The reprocessing was rejected; the job keeps its outputs.', { batchId: request.batchId, code: outcome.error.code, reason: outcome.error.message });
  if (outcome.kind === 'reprocessed') {
    telemetry.metric(BUSINESS_METRICS.stateDuration, performance.now() - started, 'Milliseconds', { [STEP_DIMENSION]: 'worker-reprocess' });
    telemetry.metric(BUSINESS_METRICS.imagesProcessed, 1, 'Count');
    recordOutputsWritten(outcome.outputs, telemetry);
    logger.info('Reprocessed.', { batchId: request.batchId, outputs: outcome.outputs.length, removed: outcome.removed });
  }
  return 'done';
}

/**
 * What ProcessOnWorker deduplicates its message by (`States.Hash($$.Task.Token, 'SHA-256')`),
 * computed from the body: a copy of the message sent under any other id is still the same task.
 */
export function taskDeduplicationId(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('hex');
}

async function report(answer: Promise<'ok' | 'gone'>, telemetry: Telemetry): Promise<void> {
  if ((await answer) === 'gone') telemetry.logger.warn('The workflow no longer waits for this task (it timed out or ended), so the report went nowhere.');
}

function codedOf(error: unknown): JobError {
  if (isCodedError(error)) return { code: error.code, message: error.message };
  return new CodedError('INTERNAL', `The worker failed unexpectedly: ${(error as Error)?.message ?? String(error)}`);
}
