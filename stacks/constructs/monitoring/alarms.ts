/**
 * Every failure mode of the pipeline, as alarms: what the resources' own metrics say broke
 * (executions, functions, dead-letter queues, the table, the topics) and what the code reports
 * (a job the reconciler had to end). Thresholds follow AWS's recommended alarms: any failed or
 * throttled execution, any function error or throttle, any message in a dead-letter queue.
 */
import { BUSINESS_METRICS, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../../../handlers/runtime/metrics';
import type { PipelineFunction } from '../pipeline/function';
import type { JobsTable } from '../pipeline/jobs-table';
import type { ImageStateMachine } from '../pipeline/state-machine';
import type { NotificationTopics } from '../pipeline/topics';
import { metric, type MathExpression, type Metric } from '../shared/metric';
import type { AlarmProps } from './alarm';

export interface AlarmSources {
  readonly stackName: string;
  readonly functions: readonly PipelineFunction[];
  readonly stateMachine: ImageStateMachine;
  /** Every dead-letter queue, by what it keeps. */
  readonly deadLetterQueues: readonly { readonly name: string; readonly messagesVisible: Metric }[];
  readonly table: JobsTable;
  readonly topics: NotificationTopics;
}

export interface AlarmThresholds {
  /** p99 Duration at or above this share of a function's timeout alarms. */
  readonly durationPercentOfTimeout: number;
}

export type AlarmSpec = Omit<AlarmProps, 'actions'> & { readonly id: string };

/** The DynamoDB operations the job store calls. */
const TABLE_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'Query'] as const;

export function pipelineAlarms(sources: AlarmSources, thresholds: AlarmThresholds): AlarmSpec[] {
  const { stackName: stack } = sources;
  const alarms: AlarmSpec[] = [];
  const any = (id: string, alarmName: string, description: string, watched: Metric | MathExpression): void => {
    alarms.push({ id, alarmName, description, metric: watched, threshold: 1 });
  };

  const executions = {
    ExecutionsFailed: 'An execution failed: the workflow itself broke (a rejected image ends its execution successfully). The reconciler ends its job.',
    ExecutionsTimedOut: 'An execution ran out of time. The reconciler ends its job.',
    ExecutionsAborted: 'An execution was stopped by hand or by a redeploy. The reconciler ends its job.',
    ExecutionThrottled: 'Step Functions throttled state transitions: the account is at its quota.',
  };
  for (const [name, description] of Object.entries(executions)) {
    any(`workflow_${snake(name)}`, `${stack}-workflow-${kebab(name)}`, description, sources.stateMachine.metric(name));
  }

  for (const fn of sources.functions) {
    const name = fn.grantName;
    const id = snake(name.slice(stack.length + 1));
    any(`${id}_errors`, `${name}-errors`, `${name} threw errors Lambda counted as failed invocations.`, fn.metric('Errors'));
    any(`${id}_throttles`, `${name}-throttles`, `${name} was throttled: its reserved concurrency (or the account's) is used up.`, fn.metric('Throttles'));
    const limitMs = Math.round((fn.timeoutSeconds * 1000 * thresholds.durationPercentOfTimeout) / 100);
    alarms.push({
      id: `${id}_duration`,
      alarmName: `${name}-duration-p99`,
      description: `${name}'s slowest invocations (p99) take ${thresholds.durationPercentOfTimeout}% of its ${fn.timeoutSeconds} s timeout or more: they are about to time out.`,
      metric: { ...fn.metric('Duration', { statistic: 'p99' }), periodSeconds: 300 },
      threshold: limitMs,
    });
  }

  for (const queue of sources.deadLetterQueues) {
    any(`${snake(queue.name)}_dlq`, `${stack}-${queue.name}-dlq-not-empty`, `The ${queue.name} dead-letter queue holds messages: events that could not be delivered.`, queue.messagesVisible);
  }

  any(
    'jobs_reconciled',
    `${stack}-jobs-reconciled`,
    'The reconciler ended a job the workflow left open: the system failed that job, not the image.',
    metric(METRICS_NAMESPACE, BUSINESS_METRICS.jobsReconciled, { [SERVICE_DIMENSION]: stack }),
  );

  any('table_throttles', `${stack}-jobs-table-throttles`, 'DynamoDB throttled requests to the jobs table.', {
    expression: 'FILL(reads, 0) + FILL(writes, 0)',
    label: 'throttled requests',
    metrics: { reads: sources.table.metric('ReadThrottleEvents'), writes: sources.table.metric('WriteThrottleEvents') },
    periodSeconds: 60,
  });
  any('table_system_errors', `${stack}-jobs-table-system-errors`, 'DynamoDB failed requests to the jobs table on its side (HTTP 500).', {
    expression: TABLE_OPERATIONS.map((operation) => `FILL(${operation.toLowerCase()}, 0)`).join(' + '),
    label: 'system errors',
    metrics: Object.fromEntries(TABLE_OPERATIONS.map((operation) => [operation.toLowerCase(), sources.table.metric('SystemErrors', { operation })])),
    periodSeconds: 60,
  });

  for (const kind of ['success', 'error'] as const) {
    any(`${kind}_topic_failed`, `${stack}-${kind}-topic-deliveries-failed`, `SNS could not deliver ${kind} notifications to a subscriber.`, sources.topics.metric(kind, 'NumberOfNotificationsFailed'));
  }
  return alarms;
}

const snake = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toLowerCase();
const kebab = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
