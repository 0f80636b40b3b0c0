/**
 * The jobs table's schema, owned here: the job store writes items in it, the stack and the local
 * runner create the table from it, so a renamed key or TTL attribute changes all three at once.
 */
export const JOBS_TABLE_SCHEMA = {
  /** The partition key: one item per job. */
  partitionKey: 'jobId',
  partitionKeyType: 'S',
  /** Epoch seconds after which DynamoDB may delete the item. */
  ttlAttribute: 'expiresAt',
} as const;
