/** S3 ObjectCreated → one idempotently named workflow execution per uploaded object. */
import { readRuntimeEnv } from '../../runtime/env';
import { startWorkflows } from '../../steps/start-workflow';
import { jobStore, workflowStarter } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseS3Event } from './parse-event';

/** Beyond the invocation's own deadline: a lease outlives the delivery that took it by this much at most. */
const LEASE_MARGIN_SECONDS = 5;

export const handler = lambdaHandler('start-workflow', async (event, context, telemetry) => {
  const settings = readRuntimeEnv('start-workflow');
  const started = await startWorkflows(parseS3Event(event), {
    jobs: jobStore(settings),
    starter: workflowStarter(settings),
    uploadsPrefix: settings.uploadsPrefix,
    startLeaseSeconds: Math.ceil(context.getRemainingTimeInMillis() / 1000) + LEASE_MARGIN_SECONDS,
  });
  for (const job of started) telemetry.logger.info(job.duplicate ? 'Workflow already started' : 'Workflow started', { jobId: job.jobId, execution: job.executionArn });
  return { started };
});
