/** The reconciler: an execution that ended FAILED, TIMED_OUT or ABORTED, or the schedule's sweep for stuck jobs. */
import { CodedError } from '../../core/errors';
import { readRuntimeEnv } from '../../runtime/env';
import { recordJobFailed, recordJobReconciled, recordJobSucceeded } from '../../runtime/outcome-telemetry';
import type { Telemetry } from '../../runtime/telemetry';
import type { Reconciled } from '../../steps/reconcile';
import { reconcileExecution, sweepStaleJobs } from '../../steps/reconcile';
import { jobStore, notifier, objectStore, workArea, workflowExecutions } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseReconcileEvent } from './parse-event';

/** Jobs one sweep ends at most; the next sweep takes the rest. */
const SWEEP_LIMIT = 500;

function recordReconciled(reconciled: readonly Reconciled[], telemetry: Telemetry): { reconciled: readonly Reconciled[] } {
  for (const job of reconciled) {
    if (job.outcome === 'unknown') continue;
    recordJobReconciled(job, telemetry);
    if (!job.published) continue;
    if (job.outcome === 'succeeded') recordJobSucceeded({ outputs: job.outputs ?? 0 }, telemetry);
    else recordJobFailed({ code: job.code ?? 'INTERNAL', message: job.reason ?? 'ended by the reconciler' }, telemetry);
  }
  return { reconciled };
}

export const handler = lambdaHandler('reconcile', async (event, _context, telemetry) => {
  const settings = readRuntimeEnv('reconcile');
  const deps = {
    jobs: jobStore(settings),
    notifier: notifier({ successTopicArn: settings.successTopicArn, errorTopicArn: settings.errorTopicArn }),
    objects: objectStore(),
    work: workArea(settings),
    outputBucket: settings.processedBucket,
  };
  const parsed = parseReconcileEvent(event);
  if (parsed.kind === 'closed') return recordReconciled([await reconcileExecution(parsed, deps)], telemetry);
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
  return recordReconciled(reconciled, telemetry);
});
