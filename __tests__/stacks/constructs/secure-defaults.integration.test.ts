/**
 * Constructs own their secure defaults: built with only the props they require, they synthesize
 * the production shape — the same protections, retentions, lifecycle rules and sizes as the prod
 * stage's stack — never a development convenience.
 */
import { Testing } from 'cdktf';
import { ImagePipeline } from '../../../stacks/constructs/pipeline/pipeline';
import { Reconciler } from '../../../stacks/constructs/pipeline/reconciler';
import { JobsTable } from '../../../stacks/constructs/pipeline/jobs-table';
import { ImageStateMachine } from '../../../stacks/constructs/pipeline/state-machine';
import { NotificationTopics } from '../../../stacks/constructs/pipeline/topics';
import { StackKey } from '../../../stacks/constructs/shared/stack-key';
import { ImageStorage } from '../../../stacks/constructs/storage/storage';
import { Fleet } from '../../../stacks/constructs/fleet/fleet';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { WorkerQueues } from '../../../stacks/constructs/queues/worker-queues';
import { WorkerNetwork } from '../../../stacks/constructs/worker/network';
import { Worker } from '../../../stacks/constructs/worker/worker';
import { resources, stubArtifacts, synthJson, testStack, type TerraformJson } from '../support';

/** What must match, with Terraform references (which depend on construct paths) left out. */
function securityShape(json: TerraformJson) {
  const values = (type: string, pick: (resource: any) => unknown) => Object.values(resources(json, type)).map(pick).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return {
    bucketsForceDestroyed: values('aws_s3_bucket', (bucket) => [bucket.force_destroy, bucket.lifecycle]),
    bucketLogging: values('aws_s3_bucket_logging', (logging) => logging.target_prefix),
    tableLifecycle: values('aws_dynamodb_table', (table) => table.lifecycle),
    keys: values('aws_kms_key', (key) => [key.lifecycle, key.deletion_window_in_days]),
    reservedConcurrency: values('aws_lambda_function', (fn) => fn.reserved_concurrent_executions),
    corsRules: values('aws_s3_bucket_cors_configuration', (cors) => cors.cors_rule.map((rule: any) => ({ ...rule, allowed_origins: rule.allowed_origins.length }))),
    loadBalancers: values('aws_lb', (lb) => [lb.internal, lb.enable_deletion_protection, lb.drop_invalid_header_fields, lb.desync_mitigation_mode]),
    launchTemplates: values('aws_launch_template', (template) => [template.metadata_options, template.block_device_mappings]),
    encryption: values('aws_s3_bucket_server_side_encryption_configuration', (sse) => sse.rule.map((rule: any) => rule.apply_server_side_encryption_by_default.sse_algorithm)),
    versioning: values('aws_s3_bucket_versioning', (versioning) => versioning.versioning_configuration),
    publicAccess: values('aws_s3_bucket_public_access_block', ({ bucket: _bucket, ...block }) => block),
    lifecycle: values('aws_s3_bucket_lifecycle_configuration', (lifecycle) => lifecycle.rule),
    tableProtection: values('aws_dynamodb_table', (table) => [table.deletion_protection_enabled, table.point_in_time_recovery]),
    keyDeletionWindows: values('aws_kms_key', (key) => [key.deletion_window_in_days, key.enable_key_rotation]),
    logRetention: values('aws_cloudwatch_log_group', (group) => group.retention_in_days),
    logEncryption: values('aws_cloudwatch_log_group', (group) => group.kms_key_id !== undefined),
    endpoints: values('aws_vpc_endpoint', (endpoint) => [endpoint.service_name.replace(/^.*\./, ''), endpoint.vpc_endpoint_type, endpoint.private_dns_enabled ?? false, endpoint.policy !== undefined]),
    functionSizes: values('aws_lambda_function', (fn) => [fn.function_name.replace(/^.*?-prod-|^bare-/, ''), fn.memory_size, fn.timeout]),
    failedEvents: values('aws_sqs_queue', (queue) => [queue.message_retention_seconds, queue.sqs_managed_sse_enabled]),
    asyncRetries: values('aws_lambda_function_event_invoke_config', (config) => [config.maximum_retry_attempts, config.maximum_event_age_in_seconds]),
    eventRules: values('aws_cloudwatch_event_rule', (rule) => rule.schedule_expression ?? 'pattern'),
    eventDelivery: values('aws_cloudwatch_event_target', (target) => target.retry_policy),
    workerTasks: values('aws_ecs_task_definition', (task) => [
      task.cpu,
      task.memory,
      task.runtime_platform,
      JSON.parse(task.container_definitions).map((container: any) => [container.readonlyRootFilesystem, container.user, container.privileged, container.stopTimeout, container.linuxParameters]),
    ]),
    workerCapacity: values('aws_ecs_service', (service) => [service.capacity_provider_strategy, service.desired_count]),
    workerScaling: values('aws_appautoscaling_target', (target) => [target.min_capacity, target.max_capacity]),
    workerImages: values('aws_ecr_repository', (repository) => [repository.image_tag_mutability, repository.image_scanning_configuration, repository.encryption_configuration, repository.force_delete]),
    workerQueues: values('aws_sqs_queue', (queue) => [queue.fifo_queue, queue.content_based_deduplication, queue.visibility_timeout_seconds, queue.redrive_policy && JSON.parse(queue.redrive_policy).maxReceiveCount]),
    workflow: values('aws_sfn_state_machine', (machine) => [machine.type, machine.logging_configuration.level, machine.logging_configuration.include_execution_data, machine.tracing_configuration]),
  };
}

describe('constructs built without optional props', () => {
  it('synthesize the same protections as the prod stage', async () => {
    const artifacts = await stubArtifacts();
    const bare = JSON.parse(
      Testing.synthScope((scope) => {
        const key = new StackKey(scope, 'key', { alias: 'alias/bare', accountId: '123456789012', partition: 'aws', region: 'us-east-1' });
        const storage = new ImageStorage(scope, 'storage', {
          rawBucketName: 'bare-raw',
          processedBucketName: 'bare-processed',
          accessLogsBucketName: 'bare-logs',
          accountId: '123456789012',
          region: 'us-east-1',
          kmsKeyArn: key.arn,
        });
        const table = new JobsTable(scope, 'jobs', { tableName: 'bare-jobs' });
        const topics = new NotificationTopics(scope, 'topics', {
          successTopicName: 'bare-success',
          errorTopicName: 'bare-error',
          key,
          region: 'us-east-1',
        });
        const pipeline = new ImagePipeline(scope, 'functions', { namePrefix: 'bare', serviceName: 'bare', code: artifacts.functions, sharpLayer: artifacts.sharpLayer, storage, table, topics, logKey: key });
        const workflow = new ImageStateMachine(scope, 'workflow', {
          stateMachineName: 'bare-pipeline',
          logKey: key,
          functions: pipeline.taskFunctions,
          accountId: '123456789012',
          partition: 'aws',
          region: 'us-east-1',
        });
        pipeline.connectStateMachine(workflow);
        new Reconciler(scope, 'reconciler', { namePrefix: 'bare', function: pipeline.triggeredBy('workflow-status'), stateMachineArn: workflow.arn, accountId: '123456789012' });
        const queues = new WorkerQueues(scope, 'queues', { namePrefix: 'bare', kmsKeyArn: key.arn });
        const fleet = new Fleet(scope, 'fleet', {
          namePrefix: 'bare',
          region: 'us-east-1',
          accountId: '123456789012',
          resources: { storage, table, topics },
          queues,
          artifact: artifacts.api,
          globalProvider: new AwsProvider(scope, 'us_east_1', { alias: 'us_east_1', region: 'us-east-1' }),
          artifactsBucketName: 'bare-artifacts',
          logsBucketName: 'bare-fleet-logs',
          api: { serviceName: 'bare', jobTtlDays: 30, maxInputBytes: 52428800, uploadUrlSeconds: 300, downloadUrlSeconds: 300, apiRateLimitPerMinute: 600, tokenCacheSeconds: 10 },
          logs: { groupName: '/ec2/bare-api', key },
        });
        storage.allowBrowserUploadsFrom([fleet.galleryUrl]);
        const network = new WorkerNetwork(scope, 'worker_network', { namePrefix: 'bare-worker' });
        new Worker(scope, 'worker', {
          namePrefix: 'bare',
          logKey: key,
          accountId: '123456789012',
          partition: 'aws',
          region: 'us-east-1',
          resources: { storage, table, topics },
          queues,
          stateMachine: workflow,
          environment: {
            serviceName: 'bare',
            processedBucket: 'bare-processed',
            workPrefix: '_work/',
            jobsTable: 'bare-jobs',
            imagePreset: undefined,
            maxInputBytes: undefined,
            maxInputPixels: undefined,
            maxInputFrames: undefined,
            workerVisibilitySeconds: 60,
            workerHeartbeatSeconds: 900,
            workerMaxReceiveCount: 3,
            workerMemoryBudgetMb: undefined,
          },
          network: { vpcId: network.vpcId, subnetIds: network.subnetIds, assignPublicIp: true },
          secondsPerImage: 4,
          acceptableLatencySeconds: 120,
          maxTasks: 20,
        });
      }),
    ) as TerraformJson;
    const prod = synthJson(await testStack({ stage: 'prod' }));
    expect(securityShape(bare)).toEqual(securityShape(prod));
    expect(securityShape(bare)).toMatchObject({ corsRules: [[expect.objectContaining({ allowed_origins: 1 })]], logRetention: expect.arrayContaining([365]), bucketLogging: ['artifacts/', 'processed/', 'raw/'] });
  });
});
