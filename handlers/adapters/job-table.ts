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
  /**
   * The API's listings, newest first: an owner's uploads (partition = the owner), and the tokens
   * (partition `#tokens`, which no owner name can be). Sparse: a deleted upload leaves it.
   */
  ownerIndex: { name: 'by-owner', partitionKey: 'ownerKey', sortKey: 'listedAt' },
  /**
   * An upload's record and the jobs its object started, in one partition: the upload record
   * sorts first (`uploadSort` = `0`), its jobs after it by the time they were received.
   */
  uploadIndex: { name: 'by-upload', partitionKey: 'uploadId', sortKey: 'uploadSort' },
  /** Key prefixes of the items the API keeps in the table beside the jobs (job ids never contain `#`). */
  uploadKeyPrefix: 'upload#',
  tokenKeyPrefix: 'token#',
} as const;

/** The open-jobs partition a job's keys go to. */
export function openShardOf(jobId: string): string {
  let hash = 0;
  for (let index = 0; index < jobId.length; index++) hash = (hash * 31 + jobId.charCodeAt(index)) >>> 0;
  return String(hash % JOBS_TABLE_SCHEMA.openJobsIndex.shards);
}

/** Where a job sorts in its upload's partition of the by-upload index: after the upload record, oldest first. */
export function jobUploadSort(receivedAt: string, jobId: string): string {
  return `job#${receivedAt}#${jobId}`;
}

/** The upload record's own sort key in that partition. */
export const UPLOAD_RECORD_SORT = '0';

/** The indexes the stack creates, with their projections: the same list CreateTable gets below. */
export const JOBS_TABLE_INDEXES = [
  { ...JOBS_TABLE_SCHEMA.openJobsIndex, projection: 'KEYS_ONLY' },
  { ...JOBS_TABLE_SCHEMA.ownerIndex, projection: 'ALL' },
  { ...JOBS_TABLE_SCHEMA.uploadIndex, projection: 'ALL' },
] as const;

/** The table as CreateTable describes it: what the local runner and the adapter tests create. */
export function jobsTableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, partitionKeyType } = JOBS_TABLE_SCHEMA;
  const indexKeys = [...new Set(JOBS_TABLE_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]))];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: partitionKeyType },
      ...indexKeys.map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    ],
    GlobalSecondaryIndexes: JOBS_TABLE_INDEXES.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}
