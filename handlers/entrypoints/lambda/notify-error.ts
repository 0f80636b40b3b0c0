/** NotifyError: removes partial outputs, records FAILED with the code, publishes to the error topic. */
import { readRuntimeEnv } from '../../runtime/env';
import { notifyError } from '../../steps/notify';
import { jobStore, notifier, objectStore, workArea } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseNotifyErrorEvent } from './parse-event';

export const handler = lambdaHandler('notify-error', (event) => {
  const settings = readRuntimeEnv('notify-error');
  return notifyError(parseNotifyErrorEvent(event), {
    jobs: jobStore(settings),
    notifier: notifier({ errorTopicArn: settings.errorTopicArn }),
    objects: objectStore(),
    work: workArea(settings),
    outputBucket: settings.processedBucket,
  });
});
