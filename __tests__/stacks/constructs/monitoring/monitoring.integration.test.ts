import { BUSINESS_METRICS, METRICS_NAMESPACE } from '../../../../handlers/runtime/metrics';
import { only, resources, statements, synthJson, testStack, type TerraformJson } from '../../support';
import { missingAlarms } from './coverage';
import { API_ERRORS_METRIC } from '../../../../stacks/constructs/fleet/api-logs';

let json: TerraformJson;
beforeAll(async () => {
  json = synthJson(await testStack({ env: { IMAGE_PROCESSOR_ALARM_EMAIL: 'oncall@example.com' } }));
});

const ALARM_TOPIC = '${aws_sns_topic.monitoring_alarm_topic.arn}';

describe('monitoring', () => {
  it('alarms on every failure mode of every function, queue, state machine, table, topic and the worker service', () => {
    expect(missingAlarms(json)).toEqual([]);
  });

  it('would notice a missing alarm', () => {
    const alarms = { ...resources(json, 'aws_cloudwatch_metric_alarm') };
    const [id] = Object.keys(alarms).filter((key) => key.includes('optimize_throttles'));
    delete alarms[id!];
    const without = { ...json, resource: { ...json.resource, aws_cloudwatch_metric_alarm: alarms } };
    expect(missingAlarms(without)).toEqual(['aws_lambda_function.functions_optimize_function Throttles']);
  });

  it('would notice a target group, a group, a distribution or a log metric filter without its alarms, and a group that publishes no metrics', () => {
    const alarms = Object.fromEntries(Object.entries(resources(json, 'aws_cloudwatch_metric_alarm')).filter(([key]) => !/fleet_(unhealthy_hosts|in_service|cloudfront|api_errors)/.test(key)));
    const groups = Object.fromEntries(Object.entries(resources(json, 'aws_autoscaling_group')).map(([id, group]) => [id, { ...group, enabled_metrics: [] }]));
    const without = { ...json, resource: { ...json.resource, aws_cloudwatch_metric_alarm: alarms, aws_autoscaling_group: groups } };
    expect(missingAlarms(without).sort()).toEqual([
      'aws_autoscaling_group.fleet_instances_group GroupInServiceInstances',
      'aws_autoscaling_group.fleet_instances_group group metrics',
      'aws_cloudfront_distribution.fleet_entry_distribution 5xxErrorRate',
      'aws_cloudwatch_log_metric_filter.fleet_api_logs_errors ApiErrors',
      'aws_lb_target_group.fleet_load_balancer_targets UnHealthyHostCount',
    ]);
  });

  it('alarms on the fleet: CloudFront’s 5xx rate in us-east-1, the load balancer’s and the API’s 5xx rates, slow answers and too few instances', () => {
    const byName = Object.fromEntries(Object.values(resources(json, 'aws_cloudwatch_metric_alarm')).map((alarm) => [alarm.alarm_name, alarm]));
    expect(byName['image-processor-dev-cloudfront-5xx-rate']).toMatchObject({ provider: 'aws.us_east_1', namespace: 'AWS/CloudFront', metric_name: '5xxErrorRate', threshold: 5, dimensions: { Region: 'Global' } });
    expect(byName['image-processor-dev-api-unhealthy-hosts']).toMatchObject({ metric_name: 'UnHealthyHostCount', statistic: 'Maximum', threshold: 1 });
    expect(byName['image-processor-dev-api-response-time-p99']).toMatchObject({ metric_name: 'TargetResponseTime', extended_statistic: 'p99', threshold: 1 });
    for (const name of ['alb-5xx-rate', 'api-5xx-rate']) expect(byName[`image-processor-dev-${name}`].metric_query[0].expression).toBe('100 * FILL(errors, 0) / MAX([FILL(requests, 0), 1])');
    expect(byName['image-processor-dev-api-in-service-below-minimum']).toMatchObject({ evaluation_periods: 5, treat_missing_data: 'breaching' });
    expect(byName['image-processor-dev-api-errors']).toMatchObject({ namespace: METRICS_NAMESPACE, metric_name: API_ERRORS_METRIC, dimensions: { service: 'image-processor-dev' }, statistic: 'Sum', period: 300, threshold: 1, treat_missing_data: 'notBreaching' });
    expect(only(json, 'aws_autoscaling_group').enabled_metrics).toEqual(expect.arrayContaining(['GroupInServiceInstances', 'GroupMinSize', 'GroupDesiredCapacity']));
  });

  it('sends every alarm and its all-clear to the alarm topic, with missing data treated explicitly', () => {
    // The worker's start-from-zero alarm drives autoscaling, not people.
    const alarms = Object.values(resources(json, 'aws_cloudwatch_metric_alarm')).filter((alarm) => !String(alarm.alarm_actions).startsWith('${aws_appautoscaling_policy.'));
    expect(alarms.length).toBeGreaterThanOrEqual(35);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ alarm_actions: [ALARM_TOPIC], ok_actions: [ALARM_TOPIC], treat_missing_data: expect.stringMatching(/^(notBreaching|breaching|ignore|missing)$/) });
      expect(alarm.alarm_description.length).toBeGreaterThan(20);
    }
  });

  it('alarms when a function’s p99 duration reaches 80% of its timeout', () => {
    const duration = Object.values(resources(json, 'aws_cloudwatch_metric_alarm')).find((alarm) => alarm.alarm_name === 'image-processor-dev-optimize-duration-p99');
    expect(duration).toMatchObject({ metric_name: 'Duration', extended_statistic: 'p99', threshold: 240_000, period: 300 });
  });

  it('alarms on jobs the reconciler had to end, from the metric the reconciler publishes', () => {
    const reconciled = Object.values(resources(json, 'aws_cloudwatch_metric_alarm')).find((alarm) => alarm.alarm_name === 'image-processor-dev-jobs-reconciled');
    expect(reconciled).toMatchObject({ namespace: METRICS_NAMESPACE, metric_name: BUSINESS_METRICS.jobsReconciled, dimensions: { service: 'image-processor-dev' }, threshold: 1 });
  });

  it('encrypts the alarm topic with the stack key, lets only this account’s alarms publish, and mails the on-call address', () => {
    const topic = resources(json, 'aws_sns_topic').monitoring_alarm_topic;
    expect(topic).toMatchObject({ name: 'image-processor-dev-alarms', kms_master_key_id: '${aws_kms_key.key_key.arn}' });
    const [statement] = statements(resources(json, 'aws_sns_topic_policy').monitoring_alarm_topic_policy.policy);
    expect(statement).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.caller.account_id}' }, ArnLike: { 'aws:SourceArn': expect.stringMatching(/:cloudwatch:us-east-1:.*:alarm:\*$/) } },
    });
    expect(Object.values(resources(json, 'aws_sns_topic_subscription'))).toContainEqual(expect.objectContaining({ topic_arn: ALARM_TOPIC, protocol: 'email', endpoint: 'oncall@example.com' }));
  });

  it('saves the operator’s first queries, each over the log groups that can answer it: the job and error ones over every group, the API’s included', () => {
    const queries = Object.fromEntries(Object.values(resources(json, 'aws_cloudwatch_query_definition')).map((query) => [query.name.replace('image-processor-dev/', ''), [...query.log_group_names].sort()]));
    expect(Object.keys(queries).sort()).toEqual(['api-errors-by-route', 'errors-by-code', 'slowest-jobs-today', 'why-did-job-fail']);
    const logGroups = Object.keys(resources(json, 'aws_cloudwatch_log_group')).map((id) => `\${aws_cloudwatch_log_group.${id}.name}`).sort();
    const api = '${aws_cloudwatch_log_group.fleet_api_logs_log_group.name}';
    expect(logGroups).toContain(api);
    expect(queries).toEqual({
      'why-did-job-fail': logGroups,
      'errors-by-code': logGroups,
      'slowest-jobs-today': logGroups.filter((group) => group !== api),
      'api-errors-by-route': [api],
    });
  });
});
