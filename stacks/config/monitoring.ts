/** Monitoring: who is told when an alarm fires, and the thresholds that are not simply "any". */
import { integer, optional, text } from './kinds';
import { EMAIL } from './shapes';

export const MONITORING_SETTINGS = {
  alarmEmail: optional(text({ description: 'E-mail address subscribed to the alarm topic (every alarm, when it fires and when it clears).', default: '', ...EMAIL })),
  lambdaDurationAlarmPercent: integer({
    description: 'A function alarms when its p99 duration over 5 minutes reaches this share of its timeout (AWS recommends alarming well before the timeout).',
    default: 80,
    min: 1,
    max: 100,
    unit: 'percent',
  }),
} as const;
