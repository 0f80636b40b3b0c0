/** NotifyError: removes partial outputs, records FAILED with the code, publishes to the error topic. */
import { notifyError } from '../../steps/notify';
import { jobStore, notifier, objectStore } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseNotifyErrorEvent } from './parse-event';
import { requireEnv, workArea } from '../../runtime/runtime-config';

export const handler = lambdaHandler('notify-error', (event) =>
  notifyError(parseNotifyErrorEvent(event), {
    jobs: jobStore(),
    notifier: notifier(),
    objects: objectStore(),
    work: workArea(),
    outputBucket: requireEnv('PROCESSED_BUCKET'),
  }),
);
