/** NotifySuccess: records SUCCEEDED with the outputs, then publishes to the success topic. */
import { notifySuccess } from '../steps/notify';
import { jobStore, notifier } from './dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseNotifySuccessEvent } from './parse-event';

export const handler = lambdaHandler('notify-success', (event) =>
  notifySuccess(parseNotifySuccessEvent(event), { jobs: jobStore(), notifier: notifier() }),
);
