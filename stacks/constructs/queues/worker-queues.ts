/**
 * The worker's two FIFO queues — `heavy.fifo` (ProcessOnWorker's messages, grouped by job) and
 * `reprocess.fifo` (album reprocessing, grouped by owner/album) — each redriven to a FIFO
 * dead-letter queue after `maxReceiveCount` deliveries. Deduplication ids are always explicit
 * (content-based deduplication off), scoped per group with per-group throughput (SQS's
 * high-throughput FIFO mode); everything is encrypted; a dead-letter queue accepts redrives only
 * from its own queue. `grant*` and `metric*` are how the state machine, the worker and the
 * monitoring use them.
 */
import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy';
import { DEAD_LETTER_RETENTION_SECONDS } from '../../config/queues';
import type { Grantable } from '../shared/iam';
import type { Metric } from '../shared/metric';
import { queueMetric } from '../shared/queue-metric';

export type WorkerQueueKind = 'heavy' | 'reprocess';

export const WORKER_QUEUE_KINDS: readonly WorkerQueueKind[] = ['heavy', 'reprocess'];


/** Long polling on the queue itself, so any consumer waits for messages rather than spinning. */
const RECEIVE_WAIT_SECONDS = 20;

export interface WorkerQueuesProps {
  /** `<prefix>-heavy.fifo`, `<prefix>-heavy-dlq.fifo`, … */
  readonly namePrefix: string;
  /** Encrypts the queues with this KMS key. @default SQS-managed server-side encryption */
  readonly kmsKeyArn?: string;
  /** How long a received message stays hidden; the worker extends it while it works. @default 60 */
  readonly visibilitySeconds?: number;
  /** Deliveries before a message is dead-lettered. @default 3 */
  readonly maxReceiveCount?: number;
  /** @default 4 */
  readonly retentionDays?: number;
}

export interface WorkerQueue {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
}

export class WorkerQueues extends Construct {
  readonly queues: Readonly<Record<WorkerQueueKind, WorkerQueue>>;
  private readonly kmsKeyArn: string | undefined;

  constructor(scope: Construct, id: string, props: WorkerQueuesProps) {
    super(scope, id);
    this.kmsKeyArn = props.kmsKeyArn;
    const fifo = {
      fifoQueue: true,
      contentBasedDeduplication: false,
      deduplicationScope: 'messageGroup',
      fifoThroughputLimit: 'perMessageGroupId',
      ...(props.kmsKeyArn ? { kmsMasterKeyId: props.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 } : { sqsManagedSseEnabled: true }),
    };
    const make = (kind: WorkerQueueKind): WorkerQueue => {
      const deadLetterQueue = new SqsQueue(this, `${kind}_dlq`, {
        name: `${props.namePrefix}-${kind}-dlq.fifo`,
        ...fifo,
        messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
      });
      const queue = new SqsQueue(this, kind, {
        name: `${props.namePrefix}-${kind}.fifo`,
        ...fifo,
        visibilityTimeoutSeconds: props.visibilitySeconds ?? 60,
        messageRetentionSeconds: (props.retentionDays ?? 4) * 86_400,
        receiveWaitTimeSeconds: RECEIVE_WAIT_SECONDS,
        redrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueue.arn, maxReceiveCount: props.maxReceiveCount ?? 3 }),
      });
      new SqsQueueRedriveAllowPolicy(this, `${kind}_dlq_redrive_allow`, {
        queueUrl: deadLetterQueue.url,
        redriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [queue.arn] }),
      });
      return { queue, deadLetterQueue };
    };
    this.queues = { heavy: make('heavy'), reprocess: make('reprocess') };
  }

  url(kind: WorkerQueueKind): string {
    return this.queues[kind].queue.url;
  }

  /** Sends messages to one queue (the state machine to `heavy`), with the key to encrypt them. */
  grantSend(grantee: Grantable, kind: WorkerQueueKind): void {
    const sid = kind === 'heavy' ? 'SendHeavy' : 'SendReprocess';
    grantee.addToRolePolicy({ Sid: sid, Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.queues[kind].queue.arn });
    this.grantKey(grantee, `${sid}Encrypted`, ['kms:Decrypt', 'kms:GenerateDataKey']);
  }

  /** Takes messages from both queues: receive, extend or end their visibility, delete them. */
  grantConsume(grantee: Grantable): void {
    grantee.addToRolePolicy({
      Sid: 'ConsumeWorkerQueues',
      Effect: 'Allow',
      Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
      Resource: WORKER_QUEUE_KINDS.map((kind) => this.queues[kind].queue.arn),
    });
    this.grantKey(grantee, 'ReadEncryptedWorkerMessages', ['kms:Decrypt']);
  }

  /** An AWS/SQS metric of a worker queue (Maximum by default, as SQS reports one value per minute). */
  metric(kind: WorkerQueueKind, metricName: string, options: { readonly statistic?: string; readonly label?: string } = {}): Metric {
    return queueMetric(this.queues[kind].queue, metricName, { label: `${kind}: ${metricName}`, ...options });
  }

  /** An AWS/SQS metric of a worker queue's dead-letter queue. */
  metricDeadLetter(kind: WorkerQueueKind, metricName: string, options: { readonly statistic?: string; readonly label?: string } = {}): Metric {
    return queueMetric(this.queues[kind].deadLetterQueue, metricName, { label: `${kind} dead letters: ${metricName}`, ...options });
  }

  private grantKey(grantee: Grantable, sid: string, actions: readonly string[]): void {
    if (this.kmsKeyArn) grantee.addToRolePolicy({ Sid: sid, Effect: 'Allow', Action: actions, Resource: this.kmsKeyArn });
  }
}
