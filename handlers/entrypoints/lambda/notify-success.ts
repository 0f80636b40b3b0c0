/** NotifySuccess: removes scratch, records SUCCEEDED with the outputs, publishes to the success topic. */
import { readRuntimeEnv } from '../../runtime/env';
import { notifySuccess } from '../../steps/notify';
import { jobStore, notifier, objectStore, workArea } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseNotifySuccessEvent } from './parse-event';

export const handler = lambdaHandler('notify-success', (event) => {
  const settings = readRuntimeEnv('notify-success');
  return notifySuccess(parseNotifySuccessEvent(event), {
    jobs: jobStore(settings),
    notifier: notifier({ successTopicArn: settings.successTopicArn }),
    objects: objectStore(),
    work: workArea(settings),
  });
});
