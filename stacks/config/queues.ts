/**
 * The worker's FIFO queues (`heavy.fifo` from the state machine, `reprocess.fifo` for albums) and
 * their dead-letter queues: how often a message is delivered before it is dead-lettered, how long
 * it stays invisible while a worker holds it, and the key that encrypts it.
 */
import { choice, integer } from './kinds';

/** SQS keeps a message at most 14 days: the dead-letter queues keep theirs that long (the stack and the local queues alike). */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 86_400;

export const QUEUE_SETTINGS = {
  workerMaxReceiveCount: integer({
    description:
      'Deliveries of a worker message before it moves to its dead-letter queue; on the last one the worker ends the job FAILED with the code of its failure instead of retrying.',
    default: 3,
    min: 1,
    max: 1000,
  }),
  workerQueueVisibilitySeconds: integer({
    description:
      'Visibility timeout of both worker queues: how long a message taken by a worker that died stays hidden. A live worker extends it a third of the way through, so a long job never reappears.',
    default: 60,
    min: 6,
    max: 43200,
    unit: 'seconds',
  }),
  workerQueueRetentionDays: integer({
    description: 'Days a worker message waits in its queue before SQS drops it (the dead-letter queues keep theirs 14 days).',
    default: 4,
    min: 1,
    max: 14,
    unit: 'days',
  }),
  workerQueueEncryption: choice(['stack-key', 'sqs-managed'], {
    description: 'Encryption of the worker queues and their dead-letter queues: the stack’s KMS key (`stack-key`), or SQS-managed SSE (`sqs-managed`).',
    default: 'stack-key',
  }),
} as const;
