/**
 * The worker service as both stages synthesize it: the cluster, its capacity mix, the arm64 task
 * definition's hardening, its two roles, the image repository and the image by digest, the log
 * group, and the backlog autoscaling.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST } from '../../../../handlers/runtime/manifest';
import { backlogPerTaskExpression, targetBacklogPerTask } from '../../../../stacks/constructs/worker/backlog-scaling';
import { grants, only, resources, ROOT, rolePolicyOf, synthJson, testStack, type TerraformJson } from '../../support';

const stages: Record<string, TerraformJson> = {};
beforeAll(async () => {
  for (const stage of ['dev', 'prod']) stages[stage] = synthJson(await testStack({ stage }));
});

const container = (json: TerraformJson) => JSON.parse(only(json, 'aws_ecs_task_definition').container_definitions)[0];
const QUEUES = ['${aws_sqs_queue.queues_heavy.arn}', '${aws_sqs_queue.queues_reprocess.arn}'];

describe.each(['dev', 'prod'])('the worker of %s', (stage) => {
  const json = () => stages[stage]!;

  it('runs on a cluster with Container Insights, FARGATE and FARGATE_SPOT, Spot favoured', () => {
    expect(only(json(), 'aws_ecs_cluster')).toMatchObject({ name: `image-processor-${stage}-worker`, setting: [{ name: 'containerInsights', value: 'enabled' }] });
    const strategy = [
      { capacity_provider: 'FARGATE', base: 0, weight: 1 },
      { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 3 },
    ];
    expect(only(json(), 'aws_ecs_cluster_capacity_providers')).toMatchObject({ capacity_providers: ['FARGATE', 'FARGATE_SPOT'], default_capacity_provider_strategy: strategy });
    const service = only(json(), 'aws_ecs_service');
    expect(service).toMatchObject({ capacity_provider_strategy: strategy, desired_count: 0, enable_execute_command: false, lifecycle: { ignore_changes: ['desired_count'] } });
    expect(service.network_configuration.security_groups).toHaveLength(1);
    // The stack has the fleet's groups too: the worker's is the one its service names.
    const groupId = /^\$\{aws_security_group\.([^.]+)\.id\}$/.exec(service.network_configuration.security_groups[0])![1]!;
    const group = resources(json(), 'aws_security_group')[groupId];
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toEqual([expect.objectContaining({ protocol: 'tcp', from_port: 443, to_port: 443 })]);
  });

  it('has an arm64 Fargate task: read-only root, a writable /tmp volume, non-root, unprivileged, stopTimeout', () => {
    const task = only(json(), 'aws_ecs_task_definition');
    expect(task).toMatchObject({
      requires_compatibilities: ['FARGATE'],
      network_mode: 'awsvpc',
      cpu: String(MANIFEST.worker.cpu),
      memory: String(MANIFEST.worker.memoryMb),
      runtime_platform: { cpu_architecture: 'ARM64', operating_system_family: 'LINUX' },
      volume: [{ name: 'scratch' }],
    });
    const worker = container(json());
    expect(worker).toMatchObject({
      readonlyRootFilesystem: true,
      privileged: false,
      user: '1000:1000',
      stopTimeout: MANIFEST.worker.stopTimeoutSeconds,
      mountPoints: [{ sourceVolume: 'scratch', containerPath: '/tmp', readOnly: false }],
      linuxParameters: { initProcessEnabled: true, capabilities: { drop: ['ALL'] } },
    });
    expect(worker.stopTimeout).toBeLessThanOrEqual(120);
    expect(worker.user).not.toMatch(/^(0|root)(:|$)/);
  });

  it('logs to its own log group with the stage retention', () => {
    const group = resources(json(), 'aws_cloudwatch_log_group').worker_service_log_group;
    expect(group).toMatchObject({ name: `/ecs/image-processor-${stage}-worker`, retention_in_days: stage === 'prod' ? 365 : 30 });
    expect(container(json()).logConfiguration).toMatchObject({ logDriver: 'awslogs', options: { 'awslogs-group': '${aws_cloudwatch_log_group.worker_service_log_group.name}' } });
  });

  it('gives the task exactly the worker manifest entry and the execution role only the pull and the logs', () => {
    const task = only(json(), 'aws_ecs_task_definition');
    expect(task.task_role_arn).toBe('${aws_iam_role.worker_service_task_role.arn}');
    expect(task.execution_role_arn).toBe('${aws_iam_role.worker_service_execution_role.arn}');
    const taskGrants = grants(rolePolicyOf(json(), 'worker_service_task_role'));
    expect(Object.keys(taskGrants)).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      's3:AbortMultipartUpload',
      's3:DeleteObject',
      's3:GetObject',
      's3:GetObjectVersion',
      's3:ListBucket',
      's3:PutObject',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'states:SendTaskFailure',
      'states:SendTaskHeartbeat',
      'states:SendTaskSuccess',
    ]);
    expect(taskGrants['sqs:ReceiveMessage']).toEqual(QUEUES);
    // IAM names no resource for task responses: the token is the authority.
    expect(taskGrants['states:SendTaskSuccess']).toEqual(['*']);
    expect(taskGrants['dynamodb:UpdateItem']).toEqual(['${aws_dynamodb_table.jobs_table.arn}']);
    expect(taskGrants['s3:GetObject']).toContain('${aws_s3_bucket.storage_raw_bucket.arn}/uploads/*');
    expect(grants(rolePolicyOf(json(), 'worker_service_execution_role'))).toEqual({
      'ecr:BatchCheckLayerAvailability': ['${aws_ecr_repository.worker_images_repository.arn}'],
      'ecr:BatchGetImage': ['${aws_ecr_repository.worker_images_repository.arn}'],
      'ecr:GetAuthorizationToken': ['*'],
      'ecr:GetDownloadUrlForLayer': ['${aws_ecr_repository.worker_images_repository.arn}'],
      'logs:CreateLogStream': ['${aws_cloudwatch_log_group.worker_service_log_group.arn}:*'],
      'logs:PutLogEvents': ['${aws_cloudwatch_log_group.worker_service_log_group.arn}:*'],
    });
    for (const role of ['worker_service_task_role', 'worker_service_execution_role']) {
      const trust = JSON.parse(resources(json(), 'aws_iam_role')[role].assume_role_policy).Statement[0];
      expect(trust).toMatchObject({ Principal: { Service: 'ecs-tasks.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.caller.account_id}' } } });
    }
  });

  it('sets exactly the variables the worker reads', () => {
    const names = container(json()).environment.map((variable: { name: string }) => variable.name);
    expect(names).toEqual(expect.arrayContaining(['HEAVY_QUEUE_URL', 'REPROCESS_QUEUE_URL', 'JOBS_TABLE', 'PROCESSED_BUCKET', 'WORKER_VISIBILITY_SECONDS', 'WORKER_HEARTBEAT_SECONDS', 'WORKER_MAX_RECEIVE_COUNT']));
    expect(names).not.toContain('STATE_MACHINE_ARN');
  });

  it('keeps images in an ECR repository with immutable tags, scan on push and KMS encryption; takes the latest push by digest without a setting', () => {
    expect(only(json(), 'aws_ecr_repository')).toMatchObject({
      name: `image-processor-${stage}-worker`,
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: 'KMS' }],
    });
    expect(container(json()).image).toBe('${aws_ecr_repository.worker_images_repository.repository_url}@${data.aws_ecr_image.worker_latest_image.image_digest}');
  });

  it('has the repository the deploy workflow applies first, pushes to and passes on by digest', () => {
    const workflow = readFileSync(join(ROOT, '.github', 'workflows', 'deploy-stage.yml'), 'utf8');
    const target = /-target=aws_ecr_repository\.(\S+)/.exec(workflow)?.[1];
    expect(Object.keys(resources(json(), 'aws_ecr_repository'))).toEqual([target]);
    expect(workflow).toContain(`select(.address == "aws_ecr_repository.${target}")`);
    expect(workflow).toMatch(/IMAGE_PROCESSOR_WORKER_IMAGE_DIGEST: \$\{\{ steps\.pushed\.outputs\.digest \|\| steps\.build\.outputs\.digest \}\}/);
    expect(workflow).toMatch(/platforms: linux\/arm64/);
  });

  it('scales on backlog per task between the minimum and the maximum, from zero when messages wait', () => {
    expect(only(json(), 'aws_appautoscaling_target')).toMatchObject({ min_capacity: 0, max_capacity: stage === 'prod' ? 20 : 4, scalable_dimension: 'ecs:service:DesiredCount', service_namespace: 'ecs' });
    const policies = resources(json(), 'aws_appautoscaling_policy');
    const tracking = policies.worker_scaling_backlog_per_task.target_tracking_scaling_policy_configuration;
    expect(tracking.target_value).toBe(120 / 3);
    const metrics = tracking.customized_metric_specification.metrics;
    expect(metrics.find((entry: { return_data: boolean }) => entry.return_data).expression).toBe(backlogPerTaskExpression(2));
    expect(metrics.filter((entry: { metric_stat?: unknown }) => entry.metric_stat).map((entry: any) => entry.metric_stat.metric.metric_name)).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'RunningTaskCount',
    ]);
    expect(policies.worker_scaling_start_from_zero.step_scaling_policy_configuration).toMatchObject({ adjustment_type: 'ChangeInCapacity', step_adjustment: [{ scaling_adjustment: 1 }] });
    const start = resources(json(), 'aws_cloudwatch_metric_alarm').worker_scaling_start_from_zero_alarm;
    expect(start.alarm_actions).toEqual(['${aws_appautoscaling_policy.worker_scaling_start_from_zero.arn}']);
  });
});

describe('worker settings', () => {
  it('runs the image the settings name by digest, at the size and capacity mix they set', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const json = synthJson(
      await testStack({
        stage: 'prod',
        env: {
          IMAGE_PROCESSOR_WORKER_IMAGE_DIGEST: digest,
          IMAGE_PROCESSOR_WORKER_CPU: '4096',
          IMAGE_PROCESSOR_WORKER_MEMORY_MB: '16384',
          IMAGE_PROCESSOR_WORKER_ON_DEMAND_BASE: '1',
          IMAGE_PROCESSOR_WORKER_SPOT_WEIGHT: '4',
          IMAGE_PROCESSOR_WORKER_MIN_TASKS: '1',
          IMAGE_PROCESSOR_WORKER_SECONDS_PER_IMAGE: '7',
          IMAGE_PROCESSOR_WORKER_ACCEPTABLE_LATENCY_SECONDS: '60',
        },
      }),
    );
    expect(container(json).image).toBe(`\${aws_ecr_repository.worker_images_repository.repository_url}@${digest}`);
    expect(json.data?.aws_ecr_image).toBeUndefined();
    expect(only(json, 'aws_ecs_task_definition')).toMatchObject({ cpu: '4096', memory: '16384' });
    expect(only(json, 'aws_ecs_service').capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE', base: 1, weight: 1 },
      { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 4 },
    ]);
    expect(only(json, 'aws_appautoscaling_target').min_capacity).toBe(1);
    expect(resources(json, 'aws_appautoscaling_policy').worker_scaling_backlog_per_task.target_tracking_scaling_policy_configuration.target_value).toBe(targetBacklogPerTask(60, 7));
    expect(targetBacklogPerTask(60, 7)).toBe(8);
  });

  it('refuses a task memory Fargate does not offer for the CPU', () => {
    return expect(testStack({ env: { IMAGE_PROCESSOR_WORKER_CPU: '1024', IMAGE_PROCESSOR_WORKER_MEMORY_MB: '16384' } })).rejects.toThrow(/workerMemoryMb to be from 2048 to 8192/);
  });
});
