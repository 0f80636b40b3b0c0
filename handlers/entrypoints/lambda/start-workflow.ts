/** S3 ObjectCreated → one idempotently named workflow execution per uploaded object. */
import { startWorkflows } from '../../steps/start-workflow';
import { jobStore, workflowStarter } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseS3Event } from './parse-event';
import { uploadsPrefix } from '../../runtime/runtime-config';

export const handler = lambdaHandler('start-workflow', async (event) => {
  const started = await startWorkflows(parseS3Event(event), {
    jobs: jobStore(),
    starter: workflowStarter(),
    uploadsPrefix: uploadsPrefix(),
  });
  return { started };
});
