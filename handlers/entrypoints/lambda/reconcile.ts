/** The reconciler: an execution that ended FAILED, TIMED_OUT or ABORTED, or the schedule's sweep for stuck jobs. */
import { CodedError } from '../../core/errors';
import { readRuntimeEnv } from '../../runtime/env';
import { reconcileExecution, sweepStaleJobs } from '../../steps/reconcile';
import { jobStore, notifier, objectStore, workArea, workflowExecutions } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseReconcileEvent } from './parse-event';

/** Jobs one sweep ends at most; the next sweep takes the rest. */
const SWEEP_LIMIT = 500;

export const handler = lambdaHandler('reconcile', async (event) => {
  const settings = readRuntimeEnv('reconcile');
  const deps = {
    jobs: jobStore(settings),
    notifier: notifier({ successTopicArn: settings.successTopicArn, errorTopicArn: settings.errorTopicArn }),
    objects: objectStore(),
    work: workArea(settings),
    outputBucket: settings.processedBucket,
  };
  const parsed = parseReconcileEvent(event);
  if (parsed.kind === 'closed') return { reconciled: [await reconcileExecution(parsed, deps)] };
  if (settings.staleJobSeconds === undefined) {
    throw new CodedError('INTERNAL', 'Expected JOB_STALE_AFTER_SECONDS to be set for the sweep, but it is missing.');
  }
  const reconciled = await sweepStaleJobs({
    ...deps,
    executions: workflowExecutions(),
    now: new Date(parsed.time),
    staleAfterSeconds: settings.staleJobSeconds,
    limit: SWEEP_LIMIT,
  });
  return { reconciled };
});
