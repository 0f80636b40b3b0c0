/**
 * The worker as an ECS service on Fargate: a cluster with Container Insights, FARGATE and
 * FARGATE_SPOT capacity mixed by a strategy, and one arm64 task definition whose container runs
 * read-only as a non-root user with a writable `/tmp`, stops within `stopTimeout` of SIGTERM and
 * logs to its own log group. The task role holds exactly the worker's manifest entry; pulling the
 * image and writing logs is the execution role's, a separate role. The tasks sit in the given
 * subnets with no inbound rule and HTTPS out only.
 */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { writeRuntimeEnv, type RuntimeInputs } from '../../../handlers/runtime/env';
import { MANIFEST } from '../../../handlers/runtime/manifest';
import { metric, type Metric } from '../shared/metric';
import { ServiceRole } from '../shared/role';
import { grantAccess, type AccessResources } from '../pipeline/access';
import type { ImageStateMachine } from '../pipeline/state-machine';
import type { WorkerQueues } from '../queues/worker-queues';
import type { WorkerImageRepository } from './image-repository';
import type { LogGroupKey } from '../shared/stack-key';

const ENTRY = MANIFEST.worker;
const CONTAINER = 'worker';
/** The container's user: `node` in the official Node images, never root. */
export const WORKER_USER = '1000:1000';
/** Fargate sends SIGKILL at most this long after SIGTERM. */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

/** How tasks are placed: `base` tasks on FARGATE first, the rest split by weight. */
export interface CapacityStrategy {
  readonly onDemandBase: number;
  readonly onDemandWeight: number;
  readonly spotWeight: number;
}

export interface WorkerServiceProps {
  /** Names the cluster, service, task family, roles and log group. */
  readonly namePrefix: string;
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  readonly resources: AccessResources;
  readonly queues: WorkerQueues;
  readonly stateMachine: ImageStateMachine;
  readonly repository: WorkerImageRepository;
  /** The image to run, `sha256:…`. */
  readonly imageDigest: string;
  /** What the worker reads besides the queue URLs, which come from `queues`. */
  readonly environment: Omit<RuntimeInputs<'worker'>, 'heavyQueueUrl' | 'reprocessQueueUrl'>;
  readonly network: { readonly vpcId: string; readonly subnetIds: readonly string[]; readonly assignPublicIp: boolean };
  /** vCPU units per task. @default the manifest's */
  readonly cpu?: number;
  /** MiB per task. @default the manifest's */
  readonly memoryMb?: number;
  /** Seconds from SIGTERM to SIGKILL, at most 120. @default the manifest's */
  readonly stopTimeoutSeconds?: number;
  /** @default base 0, one On-Demand task for every three on Spot */
  readonly capacity?: CapacityStrategy;
  /** Tasks when the service is created; autoscaling owns the count afterwards. @default 0 */
  readonly initialTasks?: number;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** The key that encrypts its log group (its policy then lets CloudWatch Logs use it for that group alone). */
  readonly logKey: LogGroupKey;
}

export class WorkerService extends Construct {
  readonly cluster: EcsCluster;
  readonly service: EcsService;
  readonly taskDefinition: EcsTaskDefinition;
  readonly logGroup: CloudwatchLogGroup;
  readonly taskRole: ServiceRole;
  readonly executionRole: ServiceRole;
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    const stopTimeout = props.stopTimeoutSeconds ?? ENTRY.stopTimeoutSeconds;
    if (stopTimeout > FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
      throw new Error(`Expected a stopTimeout of at most ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s (Fargate's limit), but received ${stopTimeout}.`);
    }
    const name = `${props.namePrefix}-worker`;
    this.cluster = new EcsCluster(this, 'cluster', { name, setting: [{ name: 'containerInsights', value: 'enabled' }] });
    const capacity = props.capacity ?? { onDemandBase: 0, onDemandWeight: 1, spotWeight: 3 };
    const strategy = [
      { capacityProvider: 'FARGATE', base: capacity.onDemandBase, weight: capacity.onDemandWeight },
      { capacityProvider: 'FARGATE_SPOT', base: 0, weight: capacity.spotWeight },
    ];
    const providers = new EcsClusterCapacityProviders(this, 'capacity_providers', {
      clusterName: this.cluster.name,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: strategy,
    });

    const logGroupName = `/ecs/${name}`;
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', {
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? 365,
      kmsKeyId: props.logKey.encryptLogGroup(logGroupName),
    });

    // Only ECS tasks of this account may assume either role.
    const trust = { StringEquals: { 'aws:SourceAccount': props.accountId }, ArnLike: { 'aws:SourceArn': `arn:${props.partition}:ecs:${props.region}:${props.accountId}:*` } };
    const taskScope = new Construct(this, 'task');
    this.taskRole = new ServiceRole(taskScope, { name, description: `Task role of ${name}: the worker's manifest entry, nothing more`, service: 'ecs-tasks.amazonaws.com', trustConditions: trust });
    grantAccess(this.taskRole, ENTRY.access, { ...props.resources, queues: props.queues });
    // The need grantAccess leaves to its owner: the state machine, which exists by now.
    if (ENTRY.access.stateMachine.includes('callback')) props.stateMachine.grantTaskResponse(this.taskRole);

    const executionScope = new Construct(this, 'execution');
    this.executionRole = new ServiceRole(executionScope, {
      name: `${name}-execution`,
      description: `Execution role of ${name}: pulls its image and writes its logs`,
      service: 'ecs-tasks.amazonaws.com',
      trustConditions: trust,
    });
    props.repository.grantPull(this.executionRole);
    this.executionRole.grantWriteLogs(this.logGroup.arn);

    const environment = writeRuntimeEnv('worker', { ...props.environment, heavyQueueUrl: props.queues.url('heavy'), reprocessQueueUrl: props.queues.url('reprocess') });
    this.taskDefinition = new EcsTaskDefinition(this, 'task_definition', {
      family: name,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(props.cpu ?? ENTRY.cpu),
      memory: String(props.memoryMb ?? ENTRY.memoryMb),
      runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
      taskRoleArn: this.taskRole.arn,
      executionRoleArn: this.executionRole.arn,
      volume: [{ name: 'scratch' }],
      containerDefinitions: JSON.stringify([
        {
          name: CONTAINER,
          image: props.repository.imageByDigest(props.imageDigest),
          essential: true,
          user: WORKER_USER,
          privileged: false,
          readonlyRootFilesystem: true,
          stopTimeout,
          mountPoints: [{ sourceVolume: 'scratch', containerPath: '/tmp', readOnly: false }],
          // tini as PID 1 hands SIGTERM to Node and reaps what sharp's threads leave.
          linuxParameters: { initProcessEnabled: true, capabilities: { drop: ['ALL'] } },
          environment: Object.entries(environment)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([variable, value]) => ({ name: variable, value })),
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': this.logGroup.name, 'awslogs-region': props.region, 'awslogs-stream-prefix': CONTAINER } },
        },
      ]),
      dependsOn: [this.taskRole.policy, this.executionRole.policy],
    });

    this.securityGroup = new SecurityGroup(this, 'security_group', {
      name,
      description: `${name}: no inbound; HTTPS out to the AWS APIs`,
      vpcId: props.network.vpcId,
      egress: [{ description: 'AWS APIs over HTTPS', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: [], prefixListIds: [], securityGroups: [], selfAttribute: false }],
    });

    this.service = new EcsService(this, 'service', {
      name,
      cluster: this.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.initialTasks ?? 0,
      capacityProviderStrategy: strategy,
      networkConfiguration: { subnets: [...props.network.subnetIds], securityGroups: [this.securityGroup.id], assignPublicIp: props.network.assignPublicIp },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      enableExecuteCommand: false,
      propagateTags: 'SERVICE',
      // Autoscaling sets the count; a deploy must not reset it.
      lifecycle: { ignoreChanges: ['desired_count'] },
      dependsOn: [providers],
    });
  }

  get clusterName(): string {
    return this.cluster.name;
  }

  get serviceName(): string {
    return this.service.name;
  }

  /** A Container Insights metric of the service: RunningTaskCount, DesiredTaskCount, CpuUtilized, MemoryUtilized… */
  metricInsights(metricName: string, options: { readonly statistic?: string; readonly label?: string; readonly periodSeconds?: number } = {}): Metric {
    return metric('ECS/ContainerInsights', metricName, { ClusterName: this.cluster.name, ServiceName: this.service.name }, { statistic: 'Average', ...options });
  }

  /** An AWS/ECS metric of the service: CPUUtilization, MemoryUtilization (percent of the task's size). */
  metric(metricName: 'CPUUtilization' | 'MemoryUtilization', options: { readonly statistic?: string; readonly label?: string } = {}): Metric {
    return metric('AWS/ECS', metricName, { ClusterName: this.cluster.name, ServiceName: this.service.name }, { statistic: 'Average', ...options });
  }
}
