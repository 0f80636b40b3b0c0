/** NotifySuccess: removes scratch, records SUCCEEDED with the outputs, publishes to the success topic. */
import { readRuntimeEnv } from '../../runtime/env';
import { recordJobSucceeded } from '../../runtime/outcome-telemetry';
import { notifySuccess } from '../../steps/notify';
import { jobStore, notifier, objectStore, workArea } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseNotifySuccessEvent } from './parse-event';

export const handler = lambdaHandler('notify-success', async (event, _context, telemetry) => {
  const settings = readRuntimeEnv('notify-success');
  const job = parseNotifySuccessEvent(event);
  const { published, timeline } = await notifySuccess(job, {
    jobs: jobStore(settings),
    notifier: notifier({ successTopicArn: settings.successTopicArn }),
    objects: objectStore(),
    work: workArea(settings),
  });
  if (published) recordJobSucceeded({ outputs: job.outputs.length, ...(timeline ? { timeline } : {}) }, telemetry);
  return { published };
});
