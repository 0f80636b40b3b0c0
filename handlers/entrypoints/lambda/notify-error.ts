/** NotifyError: removes partial outputs, records FAILED with the code, publishes to the error topic. */
import { readRuntimeEnv } from '../../runtime/env';
import { recordJobFailed } from '../../runtime/outcome-telemetry';
import { notifyError } from '../../steps/notify';
import { jobStore, notifier, objectStore, workArea } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseNotifyErrorEvent } from './parse-event';

export const handler = lambdaHandler('notify-error', async (event, _context, telemetry) => {
  const settings = readRuntimeEnv('notify-error');
  const outcome = await notifyError(parseNotifyErrorEvent(event), {
    jobs: jobStore(settings),
    notifier: notifier({ errorTopicArn: settings.errorTopicArn }),
    objects: objectStore(),
    work: workArea(settings),
    outputBucket: settings.processedBucket,
  });
  if (outcome.published) recordJobFailed(outcome, telemetry);
  return { code: outcome.code, published: outcome.published };
});
