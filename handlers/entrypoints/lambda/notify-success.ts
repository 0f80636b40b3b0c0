/** NotifySuccess: removes scratch, records SUCCEEDED with the outputs, publishes to the success topic. */
import { notifySuccess } from '../../steps/notify';
import { jobStore, notifier, objectStore } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseNotifySuccessEvent } from './parse-event';
import { workArea } from '../../runtime/runtime-config';

export const handler = lambdaHandler('notify-success', (event) =>
  notifySuccess(parseNotifySuccessEvent(event), { jobs: jobStore(), notifier: notifier(), objects: objectStore(), work: workArea() }),
);
