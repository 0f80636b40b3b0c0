/** Monitoring: who is told when an alarm fires, the thresholds that are not simply "any", and how much the functions log. */
import { APPLICATION_LOG_LEVELS, SYSTEM_LOG_LEVELS } from '../constructs/pipeline/function';
import { choice, integer, optional, text } from './kinds';
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
  functionLogLevel: choice(APPLICATION_LOG_LEVELS, {
    description: "The functions' application log level: Lambda drops their lines below it, and Powertools' Logger follows it. At INFO: one line per started workflow and per finished job, and every warning and error.",
    default: 'INFO',
  }),
  functionSystemLogLevel: choice(SYSTEM_LOG_LEVELS, {
    description: "The Lambda platform's own log level: at INFO its start and REPORT lines (duration, memory used, init time) are kept; at WARN only its warnings and errors.",
    default: 'INFO',
  }),
} as const;
