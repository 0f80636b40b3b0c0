/** AWS/SQS metrics of a queue (queues here are plain SqsQueue resources owned by the construct that needs them). */
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { metric, type Metric } from './metric';

export function queueMetric(queue: SqsQueue, metricName: string, options: { readonly statistic?: string; readonly label?: string } = {}): Metric {
  return metric('AWS/SQS', metricName, { QueueName: queue.name }, { statistic: options.statistic ?? 'Maximum', ...(options.label ? { label: options.label } : {}) });
}
