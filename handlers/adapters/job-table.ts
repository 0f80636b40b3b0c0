/**
 * The jobs table's schema, owned here: the job store writes items in it, the stack and the local
 * runner create the table from it, so a renamed key or TTL attribute changes all three at once.
 */
import type { JobRecord } from './job-store';

export const JOBS_TABLE_SCHEMA = {
  /** The partition key: one item per job. */
  partitionKey: 'jobId',
  partitionKeyType: 'S',
  /** Epoch seconds after which DynamoDB may delete the item. */
  ttlAttribute: 'expiresAt',
} as const satisfies { readonly partitionKey: keyof JobRecord; readonly partitionKeyType: 'S'; readonly ttlAttribute: keyof JobRecord };
