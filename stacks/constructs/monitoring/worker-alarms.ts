/**
 * The worker's failure modes as alarms: a message in either dead-letter queue (a job the worker
 * gave up on), a message waiting longer than its latency budget (the service is not keeping up),
 * fewer tasks running than desired while messages wait (Fargate or Spot cannot place them), and
 * tasks near their CPU or memory. docs/operations.md has a runbook entry for each.
 */
import { WORKER_QUEUE_KINDS, type WorkerQueues } from '../queues/worker-queues';
import type { WorkerService } from '../worker/worker-service';
import type { AlarmSpec } from './alarms';

export interface WorkerAlarmSources {
  readonly queues: WorkerQueues;
  readonly service: WorkerService;
  /** A message older than this, still waiting, alarms (the stack uses twice the acceptable latency). */
  readonly oldestMessageSeconds: number;
  /** CPU or memory (percent of the task's size) at or above this, for 15 minutes, alarms. @default 90 */
  readonly utilizationPercent?: number;
}

export function workerAlarms(stack: string, sources: WorkerAlarmSources): AlarmSpec[] {
  const { queues, service } = sources;
  const alarms: AlarmSpec[] = [];
  for (const kind of WORKER_QUEUE_KINDS) {
    alarms.push({
      id: `${kind}_dlq`,
      alarmName: `${stack}-${kind}-dlq-not-empty`,
      description: `The ${kind} dead-letter queue holds messages: the worker gave up on them after maxReceiveCount deliveries (a process message's job is FAILED).`,
      metric: { ...queues.metricDeadLetter(kind, 'ApproximateNumberOfMessagesVisible'), periodSeconds: 300 },
      threshold: 1,
    });
    alarms.push({
      id: `${kind}_dlq_age`,
      alarmName: `${stack}-${kind}-dlq-oldest-message-age`,
      description: `A message has sat in the ${kind} dead-letter queue for over 3 days: redrive or delete it before SQS drops it after 14.`,
      metric: { ...queues.metricDeadLetter(kind, 'ApproximateAgeOfOldestMessage'), periodSeconds: 300 },
      threshold: 3 * 86_400,
    });
    alarms.push({
      id: `${kind}_queue_age`,
      alarmName: `${stack}-${kind}-queue-oldest-message-age`,
      description: `A ${kind} message has waited ${sources.oldestMessageSeconds} s or more: the worker service is not keeping up (tasks at the maximum, or none starting).`,
      metric: { ...queues.metric(kind, 'ApproximateAgeOfOldestMessage'), periodSeconds: 60 },
      threshold: sources.oldestMessageSeconds,
    });
  }
  const waiting = Object.fromEntries(WORKER_QUEUE_KINDS.map((kind, index) => [`q${index}`, queues.metric(kind, 'ApproximateNumberOfMessagesVisible')]));
  alarms.push({
    id: 'worker_tasks_short',
    alarmName: `${stack}-worker-tasks-below-desired`,
    description: 'Fewer worker tasks run than the service wants while messages wait, for 10 minutes: Fargate (or Spot) cannot place them, or they fail to start.',
    metric: {
      expression: `IF((${Object.keys(waiting).map((id) => `FILL(${id}, 0)`).join(' + ')}) > 0, FILL(desired, 0) - FILL(running, 0), 0)`,
      label: 'tasks missing while messages wait',
      metrics: { ...waiting, desired: service.metricInsights('DesiredTaskCount'), running: service.metricInsights('RunningTaskCount') },
      periodSeconds: 60,
    },
    threshold: 1,
    evaluationPeriods: 10,
  });
  const percent = sources.utilizationPercent ?? 90;
  for (const name of ['CPUUtilization', 'MemoryUtilization'] as const) {
    const what = name === 'CPUUtilization' ? 'CPU' : 'memory';
    alarms.push({
      id: `worker_${what.toLowerCase()}_high`,
      alarmName: `${stack}-worker-${what.toLowerCase()}-high`,
      description: `Worker tasks use ${percent}% of their ${what} or more on average, for 15 minutes: ${name === 'MemoryUtilization' ? 'a larger image may be killed for memory; raise workerMemoryMb or lower the memory budget' : 'images take longer than the autoscaling target assumes'}.`,
      metric: { ...service.metric(name, { statistic: 'Maximum' }), periodSeconds: 300 },
      threshold: percent,
      evaluationPeriods: 3,
    });
  }
  return alarms;
}
