/**
 * The jobs table's schema, owned here: the job store writes items in it, the stack and the local
 * runner create the table from it, so a renamed key or TTL attribute changes all three at once.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const JOBS_TABLE_SCHEMA = {
  /** The partition key: one item per job. */
  partitionKey: 'jobId',
  partitionKeyType: 'S',
  /** Epoch seconds after which DynamoDB may delete the item. */
  ttlAttribute: 'expiresAt',
  /**
   * A sparse index of the jobs not yet SUCCEEDED or FAILED, oldest first, for the reconciler's
   * sweep: its keys are written when a job is created and removed when it ends, so the index holds
   * only open jobs. Spread over a few partitions (by a hash of the job id) so that heavy upload
   * traffic does not meet in one.
   */
  openJobsIndex: { name: 'open-jobs', partitionKey: 'openShard', sortKey: 'openSince', shards: 8 },
} as const;

/** The open-jobs partition a job's keys go to. */
export function openShardOf(jobId: string): string {
  let hash = 0;
  for (let index = 0; index < jobId.length; index++) hash = (hash * 31 + jobId.charCodeAt(index)) >>> 0;
  return String(hash % JOBS_TABLE_SCHEMA.openJobsIndex.shards);
}

/** The table as CreateTable describes it: what the local runner and the adapter tests create. */
export function jobsTableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, partitionKeyType, openJobsIndex } = JOBS_TABLE_SCHEMA;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: partitionKeyType },
      { AttributeName: openJobsIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: openJobsIndex.sortKey, AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: openJobsIndex.name,
        KeySchema: [
          { AttributeName: openJobsIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: openJobsIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}
