/**
 * One stage of the serverless image processor: storage, jobs table, topics, the Lambda pipeline,
 * the state machine, the upload trigger and the outputs, composed from stacks/constructs.
 */
import { TerraformOutput, TerraformStack, type TerraformElement } from 'cdktf';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import type { Construct, Node } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { FUNCTIONS, type FunctionName } from '../handlers/runtime/manifest';
import { configureBackend } from './backend';
import type { BackendConfig } from './config/backend';
import { memorySettingName, reservedConcurrencySettingName, timeoutSettingName } from './config/functions';
import { resourceNames } from './config/names';
import type { StageConfig } from './config/resolve';
import { JobsTable } from './constructs/pipeline/jobs-table';
import { ImagePipeline, type FunctionPackage, type SharpLayerArtifact } from './constructs/pipeline/pipeline';
import { pipelineDefinition } from '../asl/definition';
import { measuredTaskStates, statesOnHappyPath } from '../asl/paths';
import { Monitoring } from './constructs/monitoring/monitoring';
import { Reconciler } from './constructs/pipeline/reconciler';
import { queueMetric } from './constructs/shared/queue-metric';
import { ImageStateMachine } from './constructs/pipeline/state-machine';
import { NotificationTopics } from './constructs/pipeline/topics';
import { StackKey } from './constructs/shared/stack-key';
import { ImageStorage } from './constructs/storage/storage';
import { Fleet } from './constructs/fleet/fleet';
import type { ZipArtifact } from './packaging/zip';
import { WorkerQueues } from './constructs/queues/worker-queues';
import { WorkerNetwork } from './constructs/worker/network';
import { Worker } from './constructs/worker/worker';
import { workerRouteOf } from './config/worker';

/** S3-native state locking (`use_lockfile`) is generally available from Terraform 1.11 (experimental in 1.10); 2.0 may break what this configuration relies on. */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.11, < 2.0';

export interface ImageProcessorStackProps {
  readonly config: StageConfig;
  readonly backend: BackendConfig;
  readonly artifacts: {
    readonly functions: Readonly<Record<FunctionName, FunctionPackage>>;
    readonly sharpLayer: SharpLayerArtifact;
    /** The fleet's API artifact (stacks/packaging/api-artifact.ts). */
    readonly api: Pick<ZipArtifact, 'path' | 'sha256Hex'>;
  };
  /** Where local state files live (the directory holding cdktf.json). */
  readonly projectRoot: string;
  /** The app's output directory. */
  readonly outdir: string;
}

export class ImageProcessorStack extends TerraformStack {
  readonly key: StackKey;
  readonly storage: ImageStorage;
  readonly jobs: JobsTable;
  readonly topics: NotificationTopics;
  readonly pipeline: ImagePipeline;
  readonly stateMachine: ImageStateMachine;
  readonly queues: WorkerQueues;
  readonly reconciler: Reconciler;
  readonly worker: Worker;
  readonly monitoring: Monitoring;
  readonly fleet: Fleet;
  private readonly logicalIds = new Map<string, string>();

  constructor(scope: Construct, props: ImageProcessorStackProps) {
    const { config } = props;
    super(scope, config.stackName);
    const settings = config.settings;
    const names = resourceNames(config);

    const defaultTags = [{ tags: { ...settings.tags, Project: 'image-processor', Stage: config.stage, ManagedBy: 'cdktf' } }];
    const allowedAccounts = settings.allowedAccountIds.length > 0 ? { allowedAccountIds: [...settings.allowedAccountIds] } : {};
    new AwsProvider(this, 'aws', { region: settings.region, ...allowedAccounts, defaultTags });
    // The provider package already pins the exact provider version; name the full source and the Terraform it needs.
    this.addOverride('terraform.required_providers.aws.source', 'hashicorp/aws');
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
    configureBackend(this, props.backend, {
      stackName: config.stackName,
      region: settings.region,
      outdir: props.outdir,
      projectRoot: props.projectRoot,
    });

    const caller = new DataAwsCallerIdentity(this, 'caller');
    const partition = new DataAwsPartition(this, 'partition');
    const accountId = caller.accountId;

    const protect = settings.protectData;
    this.key = new StackKey(this, 'key', {
      alias: names.stackKeyAlias,
      accountId,
      partition: partition.partition,
      region: settings.region,
      deletionWindowDays: protect ? 30 : 7,
      preventDestroy: protect,
    });
    const bucketKey = settings.bucketKmsKeyArn ?? (settings.bucketEncryption === 'stack-key' ? this.key.arn : undefined);

    this.storage = new ImageStorage(this, 'storage', {
      rawBucketName: settings.rawBucketName ?? names.defaultBucketName('raw', accountId, settings.region),
      processedBucketName: settings.processedBucketName ?? names.defaultBucketName('processed', accountId, settings.region),
      accessLogsBucketName: settings.accessLogsBucketName ?? names.defaultBucketName('logs', accountId, settings.region),
      accountId,
      region: settings.region,
      uploadsPrefix: settings.uploadsPrefix,
      workPrefix: settings.workPrefix,
      workExpirationDays: settings.workExpirationDays,
      ...(bucketKey ? { kmsKeyArn: bucketKey } : {}),
      rawTransitionDays: settings.rawTransitionDays,
      rawTransitionStorageClass: settings.rawTransitionStorageClass,
      rawExpirationDays: settings.rawExpirationDays,
      noncurrentVersionExpirationDays: settings.noncurrentVersionExpirationDays,
      processedNoncurrentVersionExpirationDays: settings.processedNoncurrentVersionExpirationDays,
      accessLogRetentionDays: settings.accessLogRetentionDays,
      abortIncompleteMultipartUploadDays: settings.abortIncompleteMultipartUploadDays,
      forceDestroy: !protect,
      preventDestroy: protect,
    });

    this.jobs = new JobsTable(this, 'jobs', { tableName: names.jobsTable, deletionProtection: protect, preventDestroy: protect });

    this.topics = new NotificationTopics(this, 'topics', {
      successTopicName: names.successTopic,
      errorTopicName: names.errorTopic,
      key: this.key,
      region: settings.region,
      ...(settings.successNotificationEmail ? { successEmail: settings.successNotificationEmail } : {}),
      ...(settings.errorNotificationEmail ? { errorEmail: settings.errorNotificationEmail } : {}),
    });

    this.queues = new WorkerQueues(this, 'queues', {
      namePrefix: config.stackName,
      ...(settings.workerQueueEncryption === 'stack-key' ? { kmsKeyArn: this.key.arn } : {}),
      visibilitySeconds: settings.workerQueueVisibilitySeconds,
      maxReceiveCount: settings.workerMaxReceiveCount,
      retentionDays: settings.workerQueueRetentionDays,
    });
    const workerRoute = workerRouteOf(settings);

    this.pipeline = new ImagePipeline(this, 'functions', {
      namePrefix: config.stackName,
      serviceName: config.stackName,
      code: props.artifacts.functions,
      sharpLayer: props.artifacts.sharpLayer,
      storage: this.storage,
      table: this.jobs,
      topics: this.topics,
      sizes: Object.fromEntries(
        FUNCTIONS.map((name) => [
          name,
          {
            memoryMb: settings[memorySettingName(name)],
            timeoutSeconds: settings[timeoutSettingName(name)],
            reservedConcurrency: settings[reservedConcurrencySettingName(name)],
          },
        ]),
      ),
      workflowType: settings.workflowType,
      logRetentionDays: settings.logRetentionDays,
      logKey: this.key,
      applicationLogLevel: settings.functionLogLevel,
      systemLogLevel: settings.functionSystemLogLevel,
      jobTtlDays: settings.jobTtlDays,
      limits: { maxBytes: settings.maxInputBytes, maxPixels: settings.maxInputPixels, maxFrames: settings.maxInputFrames },
      ...(settings.imagePreset ? { imagePreset: settings.imagePreset } : {}),
      startWorkflowMaxRetries: settings.startWorkflowMaxRetries,
      startWorkflowMaxEventAgeSeconds: settings.startWorkflowMaxEventAgeSeconds,
      failedEventRetentionDays: settings.failedEventRetentionDays,
      ...(workerRoute ? { workerThreshold: workerRoute.threshold } : {}),
    });

    this.stateMachine = new ImageStateMachine(this, 'workflow', {
      stateMachineName: names.stateMachine,
      functions: this.pipeline.taskFunctions,
      accountId,
      partition: partition.partition,
      region: settings.region,
      type: settings.workflowType,
      logLevel: settings.workflowLogLevel,
      includeExecutionData: settings.workflowLogExecutionData,
      logRetentionDays: settings.logRetentionDays,
      logKey: this.key,
      ...(workerRoute ? { worker: { ...workerRoute, queues: this.queues } } : {}),
    });
    this.pipeline.connectStateMachine(this.stateMachine);
    this.storage.notifyOnUpload(this.pipeline.triggeredBy('upload'));
    this.reconciler = new Reconciler(this, 'reconciler', {
      namePrefix: config.stackName,
      function: this.pipeline.triggeredBy('workflow-status'),
      stateMachineArn: this.stateMachine.arn,
      accountId,
      sweepMinutes: settings.reconcileSweepMinutes,
      failedEventRetentionDays: settings.failedEventRetentionDays,
    });

    // CloudFront's web ACL, its log delivery and its alarm live in us-east-1 whatever the stage's region.
    const globalProvider = new AwsProvider(this, 'aws_us_east_1', { alias: 'us_east_1', region: 'us-east-1', ...allowedAccounts, defaultTags });
    this.fleet = new Fleet(this, 'fleet', {
      namePrefix: config.stackName,
      region: settings.region,
      accountId,
      resources: { storage: this.storage, table: this.jobs, topics: this.topics },
      queues: this.queues,
      artifact: props.artifacts.api,
      globalProvider,
      artifactsBucketName: names.defaultBucketName('artifacts', accountId, settings.region),
      logsBucketName: names.defaultBucketName('fleet-logs', accountId, settings.region),
      api: {
        serviceName: config.stackName,
        jobTtlDays: settings.jobTtlDays,
        maxInputBytes: settings.maxInputBytes,
        uploadUrlSeconds: settings.fleetUploadUrlSeconds,
        downloadUrlSeconds: settings.fleetDownloadUrlSeconds,
        apiRateLimitPerMinute: settings.fleetApiRateLimitPerMinute,
        tokenCacheSeconds: settings.fleetTokenCacheSeconds,
      },
      network: {
        ...(settings.fleetVpcId ? { existing: { vpcId: settings.fleetVpcId, publicSubnetIds: settings.fleetPublicSubnetIds, privateSubnetIds: settings.fleetPrivateSubnetIds } } : {}),
        availabilityZones: settings.fleetAvailabilityZones,
        cidr: settings.fleetVpcCidr,
      },
      logs: { groupName: names.apiLogGroup, key: this.key, retentionDays: settings.logRetentionDays },
      interfaceEndpoints: settings.fleetInterfaceEndpoints,
      instances: {
        instanceTypes: settings.fleetInstanceTypes,
        onDemandBaseCapacity: settings.fleetOnDemandBaseCapacity,
        onDemandPercentageAboveBase: settings.fleetOnDemandPercentageAboveBase,
        minSize: settings.fleetMinSize,
        maxSize: settings.fleetMaxSize,
        desiredCapacity: settings.fleetDesiredCapacity,
        targetCpuPercent: settings.fleetTargetCpuPercent,
        healthCheckGraceSeconds: settings.fleetHealthCheckGraceSeconds,
        drainSeconds: settings.fleetTerminationDrainSeconds,
        rootVolumeGb: settings.fleetRootVolumeGb,
        sessionManager: settings.fleetSessionManager,
      },
      apiPort: settings.fleetApiPort,
      deregistrationDelaySeconds: settings.fleetDeregistrationDelaySeconds,
      deletionProtection: settings.fleetLoadBalancerDeletionProtection,
      wafRateLimit: settings.fleetWafRateLimit,
      ...(settings.fleetDomainName && settings.fleetCertificateArn ? { domain: { name: settings.fleetDomainName, certificateArn: settings.fleetCertificateArn } } : {}),
      ...(settings.fleetInternetFacingAlb && settings.fleetAlbCertificateArn ? { internetFacing: { certificateArn: settings.fleetAlbCertificateArn } } : {}),
      forceDestroy: !protect,
      preventDestroy: protect,
    });
    // Browsers upload straight to S3 from the gallery's page: its origin, and only the ones named besides it.
    this.storage.allowBrowserUploadsFrom([this.fleet.galleryUrl, ...settings.corsAllowedOrigins]);
    this.worker = workerService(this, config, { accountId, partition: partition.partition });

    const deadLetterQueues = [
      { name: 'start-workflow', messagesVisible: deadLetterDepth(this.pipeline.failedEvents) },
      { name: 'reconcile', messagesVisible: deadLetterDepth(this.reconciler.failedEvents) },
    ];
    const functions = FUNCTIONS.map((name) => this.pipeline.functions[name]);
    const machine = pipelineDefinition((entrypoint) => entrypoint, workerRoute && { ...workerRoute, queueUrl: this.queues.url('heavy') });
    this.monitoring = new Monitoring(this, 'monitoring', {
      stackName: config.stackName,
      accountId,
      partition: partition.partition,
      region: settings.region,
      key: this.key,
      alarms: { functions, stateMachine: this.stateMachine, deadLetterQueues, table: this.jobs, topics: this.topics },
      worker: { queues: this.queues, service: this.worker.service, oldestMessageSeconds: 2 * settings.workerAcceptableLatencySeconds },
      dashboard: {
        functions: FUNCTIONS.map((name) => ({ fn: this.pipeline.functions[name], memoryMb: settings[memorySettingName(name)] })),
        stateMachine: this.stateMachine,
        taskStates: measuredTaskStates(machine),
        transitionsPerExecution: statesOnHappyPath(machine),
        deadLetterQueues,
        worker: { queues: this.queues, service: this.worker.service },
      },
      logGroupNames: [...functions.map((fn) => fn.logGroup.name), this.stateMachine.logGroup.name, this.worker.service.logGroup.name],
      apiLogGroupName: this.fleet.apiLogs.logGroup.name,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
      durationAlarmPercent: settings.lambdaDurationAlarmPercent,
      fleet: {
        loadBalancer: this.fleet.loadBalancer,
        instances: this.fleet.instances,
        apiLogs: this.fleet.apiLogs,
        // CloudFront's metrics live in us-east-1, and an alarm may only notify a topic of its own region.
        ...(this.fleet.entry && settings.region === 'us-east-1' ? { entry: { distribution: this.fleet.entry, provider: globalProvider } } : {}),
      },
      fleetThresholds: { errorRatePercent: settings.fleetErrorRateAlarmPercent, responseTimeP99Ms: settings.fleetResponseTimeAlarmMs },
    });

    const output = (id: string, value: string, description: string) => new TerraformOutput(this, id, { value, description });
    output('raw_bucket_name', this.storage.rawBucket.bucket, `Upload originals here under ${settings.uploadsPrefix}`);
    output('processed_bucket_name', this.storage.processedBucket.bucket, 'Processed outputs: <jobId>/<name>.<ext>');
    output('access_logs_bucket_name', this.storage.accessLogs.bucket.bucket, 'S3 server access logs of both buckets, under raw/ and processed/');
    output('uploads_prefix', settings.uploadsPrefix, 'Key prefix whose uploads start a workflow');
    output('state_machine_arn', this.stateMachine.arn, 'The image pipeline state machine');
    output('jobs_table_name', this.jobs.tableName, 'Job records (key jobId)');
    output('success_topic_arn', this.topics.successTopic.arn, 'Published when a job succeeds');
    output('error_topic_arn', this.topics.errorTopic.arn, 'Published when a job fails');
    output('start_workflow_dlq_url', this.pipeline.failedEvents.url, 'S3 events start-workflow could not process');
    output('reconcile_dlq_url', this.reconciler.failedEvents.url, 'Execution events and sweeps the reconciler could not take');
    output('alarm_topic_arn', this.monitoring.alarmTopic.arn, 'Every alarm of the stage publishes here, when it fires and when it clears');
    output('gallery_url', this.fleet.galleryUrl, 'The gallery and the API (HTTPS)');
    output('load_balancer_dns_name', this.fleet.loadBalancer.loadBalancer.dnsName, 'The fleet load balancer (internal unless fleetInternetFacingAlb)');
    output('worker_repository_url', this.worker.repository.repository.repositoryUrl, 'Push the worker image here (by digest: tags are immutable), then set workerImageDigest');
    output('worker_cluster_name', this.worker.service.clusterName, 'The ECS cluster of the worker service');
    output('heavy_dlq_url', this.queues.queues.heavy.deadLetterQueue.url, 'Heavy-image messages the worker could not take (their jobs are FAILED)');
    output('reprocess_dlq_url', this.queues.queues.reprocess.deadLetterQueue.url, 'Reprocess messages the worker could not take');
    output('dashboard_name', this.monitoring.dashboard.dashboardName, 'The CloudWatch dashboard of the stage');
  }

  /**
   * Readable, stable addresses for reviewers: the construct path below the stack in snake case
   * (`aws_lambda_function.functions_validate_function`) instead of cdktf's hashed ids.
   */
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = 'node' in element ? element.node : element;
    const path = node.scopes.slice(node.scopes.indexOf(this) + 1).map((scope) => scope.node.id);
    const id = path
      .join('_')
      .replace(/[^A-Za-z0-9_]/g, '_')
      .replace(/_+/g, '_')
      .toLowerCase();
    const owner = this.logicalIds.get(id);
    if (id === '' || !/^[a-z_]/.test(id) || (owner !== undefined && owner !== node.path)) {
      return super.allocateLogicalId(element);
    }
    this.logicalIds.set(id, node.path);
    return id;
  }
}

/**
 * The worker in public subnets of its own VPC (no NAT: each task has a public address, no inbound
 * rule, HTTPS out), sized, mixed and scaled by the worker settings.
 */
function workerService(stack: ImageProcessorStack, config: StageConfig, place: { readonly accountId: string; readonly partition: string }): Worker {
  const { settings, stackName } = config;
  const network = new WorkerNetwork(stack, 'worker_network', { namePrefix: `${stackName}-worker` });
  return new Worker(stack, 'worker', {
    namePrefix: stackName,
    accountId: place.accountId,
    partition: place.partition,
    region: settings.region,
    resources: { storage: stack.storage, table: stack.jobs, topics: stack.topics },
    queues: stack.queues,
    stateMachine: stack.stateMachine,
    ...(settings.workerImageDigest ? { imageDigest: settings.workerImageDigest } : {}),
    environment: {
      serviceName: stackName,
      processedBucket: stack.storage.processedBucket.bucket,
      workPrefix: settings.workPrefix,
      jobsTable: stack.jobs.tableName,
      imagePreset: settings.imagePreset,
      maxInputBytes: settings.maxInputBytes,
      maxInputPixels: settings.maxInputPixels,
      maxInputFrames: settings.maxInputFrames,
      workerVisibilitySeconds: settings.workerQueueVisibilitySeconds,
      workerHeartbeatSeconds: settings.workerHeartbeatSeconds,
      workerMaxReceiveCount: settings.workerMaxReceiveCount,
      workerMemoryBudgetMb: undefined,
    },
    network: { vpcId: network.vpcId, subnetIds: network.subnetIds, assignPublicIp: true },
    cpu: settings.workerCpu,
    memoryMb: settings.workerMemoryMb,
    capacity: { onDemandBase: settings.workerOnDemandBase, onDemandWeight: settings.workerOnDemandWeight, spotWeight: settings.workerSpotWeight },
    logRetentionDays: settings.logRetentionDays,
    logKey: stack.key,
    secondsPerImage: settings.workerSecondsPerImage,
    acceptableLatencySeconds: settings.workerAcceptableLatencySeconds,
    minTasks: settings.workerMinTasks,
    maxTasks: settings.workerMaxTasks,
    forceDeleteImages: !settings.protectData,
  });
}

/** Messages waiting in a dead-letter queue, sampled over 5 minutes (SQS reports every 5 minutes at most). */
function deadLetterDepth(queue: SqsQueue) {
  return { ...queueMetric(queue, 'ApproximateNumberOfMessagesVisible', { statistic: 'Maximum' }), periodSeconds: 300 };
}
