import { BUSINESS_METRICS, METRICS_NAMESPACE } from '../../../../handlers/runtime/metrics';
import { resources, statements, synthJson, testStack, type TerraformJson } from '../../support';
import { missingAlarms } from './coverage';

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

  it('saves the operator’s first queries over every log group of the stage', () => {
    const queries = Object.values(resources(json, 'aws_cloudwatch_query_definition'));
    expect(queries.map((query) => query.name).sort()).toEqual(['image-processor-dev/errors-by-code', 'image-processor-dev/slowest-jobs-today', 'image-processor-dev/why-did-job-fail']);
    const logGroups = Object.keys(resources(json, 'aws_cloudwatch_log_group')).map((id) => `\${aws_cloudwatch_log_group.${id}.name}`).sort();
    for (const query of queries) expect([...query.log_group_names].sort()).toEqual(logGroups);
  });
});
