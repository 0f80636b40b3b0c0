/**
 * The worker's process: the container's command and `npm run worker`. It runs until SIGTERM
 * (ECS stopping the task, Fargate Spot's two-minute notice) or SIGINT, then drains: receiving
 * stops at once, messages not started go back to their queue, running ones get until shortly
 * before the task's stopTimeout to finish. Exit 0 when everything running finished, 1 when some
 * did not (they reappear once their visibility runs out), 2 when its settings are wrong.
 */
import { isCodedError } from '../../core/errors';
import { MANIFEST } from '../../runtime/manifest';
import { startWorker, type RunningWorker } from './worker';

/** What is left of stopTimeout for the SDK calls that settle the last messages and for the exit. */
const EXIT_MARGIN_MS = 5000;

let worker: RunningWorker;
try {
  worker = startWorker();
} catch (error) {
  const message = isCodedError(error) ? error.message : String(error);
  process.stderr.write(`The worker cannot start: ${message}\n`);
  process.exit(2);
}

let draining = false;
const drain = (signal: string) => {
  if (draining) return;
  draining = true;
  const deadline = MANIFEST.worker.stopTimeoutSeconds * 1000 - EXIT_MARGIN_MS;
  process.stderr.write(`${JSON.stringify({ level: 'INFO', message: `${signal}: draining`, deadlineMs: deadline })}\n`);
  worker.stop(deadline).then(
    (report) => process.exit(report.unfinished > 0 ? 1 : 0),
    (error: unknown) => {
      process.stderr.write(`The worker failed while draining: ${(error as Error)?.message ?? String(error)}\n`);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', () => drain('SIGTERM'));
process.once('SIGINT', () => drain('SIGINT'));
