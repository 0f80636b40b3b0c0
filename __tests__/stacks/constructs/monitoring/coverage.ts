/**
 * What alarms a synthesized stack lacks: for every function, queue, state machine, table,
 * notification topic, ECS service, load balancer, target group, Auto Scaling group, distribution and
 * log metric filter, the alarms its failure modes need. A resource added later without its alarms shows up here.
 */
import { resources, type TerraformJson } from '../../support';

interface Need {
  readonly resource: string;
  readonly namespace: string;
  readonly metricName: string;
  /** The dimension naming the resource, and the reference it must hold (none for a metric filter's own metric). */
  readonly dimension?: string;
  readonly reference?: string;
}

function needs(json: TerraformJson): Need[] {
  const ref = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;
  const found: Need[] = [];
  for (const id of Object.keys(resources(json, 'aws_lambda_function'))) {
    for (const metricName of ['Errors', 'Throttles', 'Duration']) {
      found.push({ resource: `aws_lambda_function.${id}`, namespace: 'AWS/Lambda', metricName, dimension: 'FunctionName', reference: ref('aws_lambda_function', id, 'function_name') });
    }
  }
  for (const [id, queue] of Object.entries(resources(json, 'aws_sqs_queue'))) {
    // A dead-letter queue alarms on any message; a work queue on the age of its oldest.
    const metricName = /-dlq(\.fifo)?$/.test(String(queue.name)) ? 'ApproximateNumberOfMessagesVisible' : 'ApproximateAgeOfOldestMessage';
    found.push({ resource: `aws_sqs_queue.${id}`, namespace: 'AWS/SQS', metricName, dimension: 'QueueName', reference: ref('aws_sqs_queue', id, 'name') });
  }
  for (const id of Object.keys(resources(json, 'aws_ecs_service'))) {
    const service = ref('aws_ecs_service', id, 'name');
    for (const metricName of ['CPUUtilization', 'MemoryUtilization']) found.push({ resource: `aws_ecs_service.${id}`, namespace: 'AWS/ECS', metricName, dimension: 'ServiceName', reference: service });
    found.push({ resource: `aws_ecs_service.${id}`, namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount', dimension: 'ServiceName', reference: service });
  }
  for (const id of Object.keys(resources(json, 'aws_sfn_state_machine'))) {
    for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted', 'ExecutionThrottled']) {
      found.push({ resource: `aws_sfn_state_machine.${id}`, namespace: 'AWS/States', metricName, dimension: 'StateMachineArn', reference: ref('aws_sfn_state_machine', id, 'arn') });
    }
  }
  for (const id of Object.keys(resources(json, 'aws_dynamodb_table'))) {
    for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents', 'SystemErrors']) {
      found.push({ resource: `aws_dynamodb_table.${id}`, namespace: 'AWS/DynamoDB', metricName, dimension: 'TableName', reference: ref('aws_dynamodb_table', id, 'name') });
    }
  }
  for (const id of Object.keys(resources(json, 'aws_lb'))) {
    found.push({ resource: `aws_lb.${id}`, namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_ELB_5XX_Count', dimension: 'LoadBalancer', reference: ref('aws_lb', id, 'arn_suffix') });
  }
  for (const id of Object.keys(resources(json, 'aws_lb_target_group'))) {
    for (const metricName of ['HTTPCode_Target_5XX_Count', 'UnHealthyHostCount', 'TargetResponseTime']) {
      found.push({ resource: `aws_lb_target_group.${id}`, namespace: 'AWS/ApplicationELB', metricName, dimension: 'TargetGroup', reference: ref('aws_lb_target_group', id, 'arn_suffix') });
    }
  }
  for (const id of Object.keys(resources(json, 'aws_autoscaling_group'))) {
    found.push({ resource: `aws_autoscaling_group.${id}`, namespace: 'AWS/AutoScaling', metricName: 'GroupInServiceInstances', dimension: 'AutoScalingGroupName', reference: ref('aws_autoscaling_group', id, 'name') });
  }
  for (const id of Object.keys(resources(json, 'aws_cloudfront_distribution'))) {
    found.push({ resource: `aws_cloudfront_distribution.${id}`, namespace: 'AWS/CloudFront', metricName: '5xxErrorRate', dimension: 'DistributionId', reference: ref('aws_cloudfront_distribution', id, 'id') });
  }
  for (const [id, filter] of Object.entries(resources(json, 'aws_cloudwatch_log_metric_filter'))) {
    // A metric made from log lines exists to be alarmed on.
    found.push({ resource: `aws_cloudwatch_log_metric_filter.${id}`, namespace: filter.metric_transformation.namespace, metricName: filter.metric_transformation.name });
  }
  for (const [id, topic] of Object.entries(resources(json, 'aws_sns_topic'))) {
    if (String(topic.name).endsWith('-alarms')) continue; // The alarm topic cannot page about itself.
    found.push({ resource: `aws_sns_topic.${id}`, namespace: 'AWS/SNS', metricName: 'NumberOfNotificationsFailed', dimension: 'TopicName', reference: ref('aws_sns_topic', id, 'name') });
  }
  return found;
}

/** The metrics each alarm watches, directly or in its metric math. */
function watched(alarm: Record<string, any>): { namespace: string; metricName: string; dimensions: Record<string, string> }[] {
  if (alarm.metric_name) return [{ namespace: alarm.namespace, metricName: alarm.metric_name, dimensions: alarm.dimensions ?? {} }];
  return (alarm.metric_query ?? [])
    .filter((query: Record<string, any>) => query.metric)
    .map((query: Record<string, any>) => ({ namespace: query.metric.namespace, metricName: query.metric.metric_name, dimensions: query.metric.dimensions ?? {} }));
}

/** `<resource> <metric>` for every alarm the stack should have and does not. */
export function missingAlarms(json: TerraformJson): string[] {
  const alarms = Object.values(resources(json, 'aws_cloudwatch_metric_alarm')).flatMap(watched);
  const missing = needs(json)
    .filter((need) => !alarms.some((alarm) => alarm.namespace === need.namespace && alarm.metricName === need.metricName && (need.dimension === undefined || alarm.dimensions[need.dimension] === need.reference)))
    .map((need) => `${need.resource} ${need.metricName}`);
  // A group's in-service alarm watches nothing unless the group publishes its metrics.
  for (const [id, group] of Object.entries(resources(json, 'aws_autoscaling_group'))) {
    if (!(group.enabled_metrics ?? []).includes('GroupInServiceInstances')) missing.push(`aws_autoscaling_group.${id} group metrics`);
  }
  return missing;
}
