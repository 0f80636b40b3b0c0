/**
 * The worker as a whole: its image repository, the Fargate service and its backlog autoscaling,
 * with the image taken by digest (from settings, or the repository's latest push).
 */
import { Construct } from 'constructs';
import { DataAwsEcrImage } from '@cdktf/provider-aws/lib/data-aws-ecr-image';
import { WORKER_QUEUE_KINDS } from '../queues/worker-queues';
import { BacklogScaling, targetBacklogPerTask } from './backlog-scaling';
import { WorkerImageRepository } from './image-repository';
import { WorkerService, type WorkerServiceProps } from './worker-service';

export interface WorkerProps extends Omit<WorkerServiceProps, 'repository' | 'imageDigest'> {
  /** The image to run. @default the digest of the image most recently pushed to the repository (one must exist before apply) */
  readonly imageDigest?: string;
  /** Measured seconds per heavy image on one task (docs/benchmarks.md). */
  readonly secondsPerImage: number;
  /** How long a message may wait before a task starts it. */
  readonly acceptableLatencySeconds: number;
  /** @default 0 */
  readonly minTasks?: number;
  readonly maxTasks: number;
  /** Lets `destroy` delete the repository with its images. @default false */
  readonly forceDeleteImages?: boolean;
}

export class Worker extends Construct {
  readonly repository: WorkerImageRepository;
  readonly service: WorkerService;
  readonly scaling: BacklogScaling;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    const { imageDigest, secondsPerImage, acceptableLatencySeconds, minTasks, maxTasks, forceDeleteImages, ...service } = props;
    this.repository = new WorkerImageRepository(this, 'images', { name: `${props.namePrefix}-worker`, forceDelete: forceDeleteImages ?? false });
    const digest =
      imageDigest ??
      new DataAwsEcrImage(this, 'latest_image', { repositoryName: this.repository.repository.name, mostRecent: true, dependsOn: [this.repository.repository] }).imageDigest;
    this.service = new WorkerService(this, 'service', { ...service, repository: this.repository, imageDigest: digest, initialTasks: minTasks ?? 0 });
    this.scaling = new BacklogScaling(this, 'scaling', {
      namePrefix: props.namePrefix,
      clusterName: this.service.clusterName,
      serviceName: this.service.serviceName,
      backlog: WORKER_QUEUE_KINDS.map((kind) => props.queues.metric(kind, 'ApproximateNumberOfMessagesVisible')),
      runningTasks: this.service.metricInsights('RunningTaskCount'),
      targetBacklogPerTask: targetBacklogPerTask(acceptableLatencySeconds, secondsPerImage),
      minTasks: minTasks ?? 0,
      maxTasks,
    });
  }
}
