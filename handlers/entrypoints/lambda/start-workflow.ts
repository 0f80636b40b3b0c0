/** S3 ObjectCreated → one idempotently named workflow execution per uploaded object. */
import { readRuntimeEnv } from '../../runtime/env';
import { startWorkflows } from '../../steps/start-workflow';
import { jobStore, workflowStarter } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseS3Event } from './parse-event';

export const handler = lambdaHandler('start-workflow', async (event) => {
  const settings = readRuntimeEnv('start-workflow');
  const started = await startWorkflows(parseS3Event(event), {
    jobs: jobStore(settings),
    starter: workflowStarter(settings),
    uploadsPrefix: settings.uploadsPrefix,
  });
  return { started };
});
