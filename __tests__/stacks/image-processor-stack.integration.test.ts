import { Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { EXPRESS_TIMEOUTS, only, resources, statements, synthJson, testStack } from './support';

const providerPackage = require('@cdktf/provider-aws/package.json') as { cdktf: { provider: { version: string } } };

describe('ImageProcessorStack', () => {
  it('pins the exact AWS provider version and the Terraform version S3 lock files need', async () => {
    const json = synthJson(await testStack());
    expect(json.terraform?.required_providers).toEqual({ aws: { source: 'hashicorp/aws', version: providerPackage.cdktf.provider.version } });
    expect(json.terraform?.required_providers.aws.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(json.terraform?.required_version).toBe('>= 1.11, < 2.0');
  });

  it('encrypts every log group with the stack key, whose policy lets CloudWatch Logs use it for exactly those groups', async () => {
    const json = synthJson(await testStack());
    const [keyId, key] = Object.entries(resources(json, 'aws_kms_key')).find(([, value]) => value.description.startsWith('Encrypts the data'))!;
    const groups = Object.values(resources(json, 'aws_cloudwatch_log_group'));
    expect(groups.length).toBeGreaterThanOrEqual(10);
    for (const group of groups) expect({ name: group.name, kms_key_id: group.kms_key_id }).toEqual({ name: group.name, kms_key_id: `\${aws_kms_key.${keyId}.arn}` });
    const logs = statements(key.policy).find((statement) => statement.Sid === 'CloudWatchLogsEncryptNamedLogGroups')!;
    const named = logs.Condition!.ArnEquals!['kms:EncryptionContext:aws:logs:arn'] as string[];
    for (const arn of named) expect(arn).toMatch(/^arn:[^:]+:logs:us-east-1:[^:]+:log-group:/);
    expect(named.map((arn) => arn.replace(/^.*?:log-group:/, '')).sort()).toEqual(groups.map((group) => group.name).sort());
  });

  it('configures the provider for the stage region, with default tags and an optional account guard', async () => {
    const synthesized = Testing.synth(
      await testStack({ stage: 'prod', env: { IMAGE_PROCESSOR_REGION: 'eu-west-1', IMAGE_PROCESSOR_ALLOWED_ACCOUNT_IDS: '111111111111', IMAGE_PROCESSOR_TAGS: '{"Team":"media"}' } }),
    );
    expect(synthesized).toHaveProviderWithProperties(AwsProvider, {
      region: 'eu-west-1',
      allowed_account_ids: ['111111111111'],
      default_tags: [{ tags: { Team: 'media', Project: 'image-processor', Stage: 'prod', ManagedBy: 'cdktf' } }],
    });
  });

  it('names buckets after the stack, account and region unless names are configured', async () => {
    const json = synthJson(await testStack());
    const buckets = Object.values(resources(json, 'aws_s3_bucket')).map((bucket) => bucket.bucket).sort();
    expect(buckets).toEqual([
      'image-processor-dev-artifacts-${data.aws_caller_identity.caller.account_id}-us-east-1',
      'image-processor-dev-fleet-logs-${data.aws_caller_identity.caller.account_id}-us-east-1',
      'image-processor-dev-logs-${data.aws_caller_identity.caller.account_id}-us-east-1',
      'image-processor-dev-processed-${data.aws_caller_identity.caller.account_id}-us-east-1',
      'image-processor-dev-raw-${data.aws_caller_identity.caller.account_id}-us-east-1',
    ]);
    const named = Testing.synth(await testStack({ env: { IMAGE_PROCESSOR_RAW_BUCKET_NAME: 'acme-uploads' } }));
    expect(named).toHaveResourceWithProperties(S3Bucket, { bucket: 'acme-uploads' });
  });

  it('protects data in prod and lets dev be destroyed', async () => {
    const prod = Testing.synth(await testStack({ stage: 'prod' }));
    expect(prod).toHaveResourceWithProperties(DynamodbTable, { deletion_protection_enabled: true });
    expect(prod).toHaveResourceWithProperties(S3Bucket, { force_destroy: false });
    expect(prod).toHaveResourceWithProperties(KmsKey, { deletion_window_in_days: 30 });
    const dev = Testing.synth(await testStack({ stage: 'dev' }));
    expect(dev).toHaveResourceWithProperties(DynamodbTable, { deletion_protection_enabled: false });
    expect(dev).toHaveResourceWithProperties(S3Bucket, { force_destroy: true });
  });

  it('wires workflow type, log level and e-mail subscriptions from the config', async () => {
    const synthesized = Testing.synth(
      await testStack({ env: { ...EXPRESS_TIMEOUTS, IMAGE_PROCESSOR_WORKFLOW_TYPE: 'EXPRESS', IMAGE_PROCESSOR_WORKFLOW_LOG_LEVEL: 'ALL', IMAGE_PROCESSOR_SUCCESS_NOTIFICATION_EMAIL: 'team@example.com' } }),
    );
    expect(synthesized).toHaveResourceWithProperties(SfnStateMachine, { type: 'EXPRESS', logging_configuration: expect.objectContaining({ level: 'ALL' }) });
    expect(synthesized).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: 'email', endpoint: 'team@example.com' });
  });

  it('outputs bucket names, the state machine ARN, the table name, the topic ARNs, the fleet’s addresses and the worker’s repository, cluster and dead-letter queues', async () => {
    const json = synthJson(await testStack());
    expect(json.output).toEqual({
      raw_bucket_name: expect.objectContaining({ value: '${aws_s3_bucket.storage_raw_bucket.bucket}' }),
      processed_bucket_name: expect.objectContaining({ value: '${aws_s3_bucket.storage_processed_bucket.bucket}' }),
      access_logs_bucket_name: expect.objectContaining({ value: '${aws_s3_bucket.storage_access_logs_bucket.bucket}' }),
      uploads_prefix: expect.objectContaining({ value: 'uploads/' }),
      state_machine_arn: expect.objectContaining({ value: '${aws_sfn_state_machine.workflow_state_machine.arn}' }),
      jobs_table_name: expect.objectContaining({ value: '${aws_dynamodb_table.jobs_table.name}' }),
      success_topic_arn: expect.objectContaining({ value: '${aws_sns_topic.topics_success.arn}' }),
      error_topic_arn: expect.objectContaining({ value: '${aws_sns_topic.topics_error.arn}' }),
      start_workflow_dlq_url: expect.objectContaining({ value: '${aws_sqs_queue.functions_start_workflow_failures.url}' }),
      reconcile_dlq_url: expect.objectContaining({ value: '${aws_sqs_queue.reconciler_failures.url}' }),
      alarm_topic_arn: expect.objectContaining({ value: '${aws_sns_topic.monitoring_alarm_topic.arn}' }),
      dashboard_name: expect.objectContaining({ value: '${aws_cloudwatch_dashboard.monitoring_dashboard.dashboard_name}' }),
      gallery_url: expect.objectContaining({ value: 'https://${aws_cloudfront_distribution.fleet_entry_distribution.domain_name}' }),
      load_balancer_dns_name: expect.objectContaining({ value: '${aws_lb.fleet_load_balancer_alb.dns_name}' }),
      heavy_dlq_url: expect.objectContaining({ value: '${aws_sqs_queue.queues_heavy_dlq.url}' }),
      reprocess_dlq_url: expect.objectContaining({ value: '${aws_sqs_queue.queues_reprocess_dlq.url}' }),
      worker_cluster_name: expect.objectContaining({ value: '${aws_ecs_cluster.worker_service_cluster.name}' }),
      worker_repository_url: expect.objectContaining({ value: '${aws_ecr_repository.worker_images_repository.repository_url}' }),
    });
  });

  it('gives every resource a readable address derived from its construct path', async () => {
    const json = synthJson(await testStack());
    const addresses = Object.entries(json.resource ?? {}).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));
    expect(addresses).toEqual(expect.arrayContaining(['aws_lambda_function.functions_validate_function', 'aws_s3_bucket.storage_raw_bucket', 'aws_sfn_state_machine.workflow_state_machine']));
    expect(addresses.filter((address) => !/^aws_[a-z0-9_]+\.[a-z][a-z0-9_]*$/.test(address))).toEqual([]);
    expect(only(json, 'aws_dynamodb_table').name).toBe('image-processor-dev-jobs');
  });
});
