/**
 * Job records in DynamoDB: one item per job (key `jobId`, string), written at every state
 * transition. S3 events arrive at least once and states are retried, so every write is
 * conditional: `create` only inserts, `advance` is one UpdateItem whose condition is derived from
 * `canTransition` — a job never moves backwards, whatever order writers arrive in — and the
 * start lease and the notification marker are each taken by one writer only.
 * Items expire through the table's TTL attribute `expiresAt` (epoch seconds).
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { isTerminal, JOB_STATUSES, statusesAllowedBefore, type JobStatus } from '../core/job-status';
import type { JobError, JobInput, OutputRecord } from '../workflow/events';
import type { AdvanceResult, JobRecord, NotificationKind, StartClaim } from '../workflow/job-record';
import { CodedError } from '../core/errors';
import { toAdapterError } from './aws-errors';
import { JOBS_TABLE_SCHEMA, jobUploadSort, openShardOf } from './job-table';

// The schema's names are the record's own fields: renaming one without the other fails to compile.
const { partitionKey, openJobsIndex } = JOBS_TABLE_SCHEMA satisfies {
  readonly partitionKey: keyof JobRecord;
  readonly ttlAttribute: keyof JobRecord;
  readonly openJobsIndex: { readonly partitionKey: keyof JobRecord; readonly sortKey: keyof JobRecord };
  readonly uploadIndex: { readonly partitionKey: keyof JobRecord; readonly sortKey: keyof JobRecord };
};

export interface AdvanceFields {
  readonly error?: JobError;
  readonly outputs?: OutputRecord[];
  readonly details?: Record<string, unknown>;
}

export interface DynamoJobStoreOptions {
  /**
   * Days after creation before a record expires.
   * @default 30
   */
  readonly ttlDays?: number;
  /** The clock, replaceable in tests. @default () => new Date() */
  readonly now?: () => Date;
}

const DEFAULT_TTL_DAYS = 30;
const SECONDS_PER_DAY = 86_400;
const MARSHALL_OPTIONS = { removeUndefinedValues: true } as const;

export class DynamoJobStore {
  private readonly ttlDays: number;
  private readonly now: () => Date;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: DynamoJobStoreOptions = {},
  ) {
    this.ttlDays = options.ttlDays ?? DEFAULT_TTL_DAYS;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Records a new job as RECEIVED; `upload` links it to the API's upload record (the by-upload
   * index). A job already recorded (a duplicate event) is left alone.
   */
  async create(job: JobInput, upload?: { readonly uploadId: string }): Promise<{ created: boolean }> {
    const now = this.now();
    const record: JobRecord = {
      jobId: job.jobId,
      status: 'RECEIVED',
      source: job.source,
      receivedAt: job.receivedAt,
      updatedAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + this.ttlDays * SECONDS_PER_DAY,
      history: [{ status: 'RECEIVED', at: now.toISOString() }],
      openShard: openShardOf(job.jobId),
      openSince: now.toISOString(),
      ...(upload ? { uploadId: upload.uploadId, uploadSort: jobUploadSort(job.receivedAt, job.jobId) } : {}),
    };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(record, MARSHALL_OPTIONS),
          ConditionExpression: `attribute_not_exists(${partitionKey})`,
        }),
      );
      return { created: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { created: false };
      throw toAdapterError('DynamoDB PutItem', error);
    }
  }

  /**
   * Moves the job to `status` (recording `fields` with it) if `canTransition` allows it from the
   * job's current status, in one conditional UpdateItem, and appends to its history. When the
   * condition fails — the job is further along, already in the other terminal status, or not
   * recorded at all — nothing is written and `current` tells the caller what the job is.
   */
  async advance(jobId: string, status: JobStatus, fields: AdvanceFields = {}): Promise<AdvanceResult> {
    const at = this.now().toISOString();
    const allowed = statusesAllowedBefore(status);
    const names: Record<string, string> = { '#status': 'status', '#updatedAt': 'updatedAt', '#history': 'history' };
    const values: Record<string, unknown> = {
      ':status': status,
      ':at': at,
      ':entry': [{ status, at }],
      ':empty': [],
      ...Object.fromEntries(allowed.map((from, index) => [`:from${index}`, from])),
    };
    const sets = ['#status = :status', '#updatedAt = :at', '#history = list_append(if_not_exists(#history, :empty), :entry)'];
    const optional = {
      // Copied field by field: an Error instance passed as a JobError must store as a plain map.
      error: fields.error ? { code: fields.error.code, message: fields.error.message } : undefined,
      outputs: fields.outputs,
      details: fields.details,
    };
    for (const [name, value] of Object.entries(optional)) {
      if (value === undefined) continue;
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    // An ended job leaves the open-jobs index.
    const removes = isTerminal(status) ? ` REMOVE #openShard, #openSince` : '';
    if (removes) Object.assign(names, { '#openShard': openJobsIndex.partitionKey, '#openSince': openJobsIndex.sortKey });
    try {
      const response = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [partitionKey]: jobId }),
          UpdateExpression: `SET ${sets.join(', ')}${removes}`,
          ConditionExpression: `#status IN (${allowed.map((_, index) => `:from${index}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(values, MARSHALL_OPTIONS),
          // The job comes back with the write (its notification marker, its history), so a terminal step needs no extra read.
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const record = response.Attributes ? (unmarshall(response.Attributes) as JobRecord) : undefined;
      return { applied: true, ...(record?.notified ? { notified: record.notified } : {}), ...(record ? { record } : {}) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw toAdapterError('DynamoDB UpdateItem', error);
      // DynamoDB returns the item that failed the condition; emulators that do not fall back to a read.
      const item = error.Item ? (unmarshall(error.Item) as Partial<JobRecord>) : await this.get(jobId);
      return { applied: false, ...(item?.status ? { current: item.status } : {}), ...(item?.notified ? { notified: item.notified } : {}) };
    }
  }

  /**
   * Takes the right to start the job's execution for `leaseSeconds`, unless an execution was
   * already recorded or another delivery holds a live lease. Express workflows do not deduplicate
   * execution names, so this is what keeps a duplicated event from running the pipeline twice.
   */
  async claimStart(jobId: string, leaseSeconds: number): Promise<StartClaim> {
    const now = Math.floor(this.now().getTime() / 1000);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [partitionKey]: jobId }),
          UpdateExpression: 'SET #lease = :until',
          ConditionExpression: `attribute_exists(#key) AND attribute_not_exists(#execution) AND (attribute_not_exists(#lease) OR #lease < :now)`,
          ExpressionAttributeNames: { '#key': partitionKey, '#execution': 'executionArn', '#lease': 'startLeaseUntil' },
          ExpressionAttributeValues: marshall({ ':until': now + leaseSeconds, ':now': now }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { outcome: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw toAdapterError('DynamoDB UpdateItem', error);
      const item = error.Item ? (unmarshall(error.Item) as Partial<JobRecord>) : await this.get(jobId);
      if (!item) throw new CodedError('INTERNAL', `Expected job ${jobId} to be recorded before its execution is started, but it is missing.`);
      return item.executionArn ? { outcome: 'started', executionArn: item.executionArn } : { outcome: 'busy' };
    }
  }

  /** Records the started execution and drops the lease. */
  async recordStarted(jobId: string, executionArn: string): Promise<void> {
    await this.update('SET #execution = :arn REMOVE #lease', { '#execution': 'executionArn', '#lease': 'startLeaseUntil' }, jobId, { ':arn': executionArn });
  }

  /** Gives the lease back after a failed start, so a retry need not wait for it to expire. */
  async releaseStart(jobId: string): Promise<void> {
    await this.update('REMOVE #lease', { '#lease': 'startLeaseUntil' }, jobId);
  }

  /**
   * Records that the job's outcome was published to `kind`'s topic; `marked` is false when a
   * publication was already recorded (a retried step published first, then lost the race).
   */
  async markNotified(jobId: string, kind: NotificationKind): Promise<{ marked: boolean }> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [partitionKey]: jobId }),
          UpdateExpression: 'SET #notified = :kind, #notifiedAt = :at',
          ConditionExpression: 'attribute_exists(#key) AND attribute_not_exists(#notified)',
          ExpressionAttributeNames: { '#key': partitionKey, '#notified': 'notified', '#notifiedAt': 'notifiedAt' },
          ExpressionAttributeValues: marshall({ ':kind': kind, ':at': this.now().toISOString() }),
        }),
      );
      return { marked: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { marked: false };
      throw toAdapterError('DynamoDB UpdateItem', error);
    }
  }

  private async update(expression: string, names: Record<string, string>, jobId: string, values?: Record<string, unknown>): Promise<void> {
    try {
      await this.updateExisting(jobId, expression, 'attribute_exists(#key)', names, values);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new CodedError('INTERNAL', `Expected job ${jobId} to be recorded, but it is missing.`);
      }
      throw toAdapterError('DynamoDB UpdateItem', error);
    }
  }

  async recordWorkerRun(jobId: string, deduplicationId: string, outputs: OutputRecord[]): Promise<{ recorded: boolean }> {
    const open = JOB_STATUSES.filter((status) => !isTerminal(status));
    return this.conditionalSet(jobId, 'SET #worker = :worker', `#status IN (${open.map((_, index) => `:open${index}`).join(', ')})`, { '#worker': 'worker' }, {
      ':worker': { deduplicationId, outputs, at: this.now().toISOString() },
      ...Object.fromEntries(open.map((status, index) => [`:open${index}`, status])),
    });
  }

  async recordReprocess(jobId: string, batchId: string, outputs: OutputRecord[]): Promise<{ recorded: boolean }> {
    return this.conditionalSet(
      jobId,
      'SET #outputs = :outputs, #batches = list_append(if_not_exists(#batches, :none), :batch), #updatedAt = :at',
      '#status = :succeeded AND NOT contains(#batches, :batchId)',
      { '#outputs': 'outputs', '#batches': 'reprocessBatches', '#updatedAt': 'updatedAt' },
      { ':outputs': outputs, ':none': [], ':batch': [batchId], ':batchId': batchId, ':at': this.now().toISOString(), ':succeeded': 'SUCCEEDED' },
    );
  }

  /** One conditional UpdateItem; `recorded` is false when the condition (or the job's existence) fails. */
  private async conditionalSet(jobId: string, expression: string, condition: string, names: Record<string, string>, values: Record<string, unknown>): Promise<{ recorded: boolean }> {
    try {
      await this.updateExisting(jobId, expression, `attribute_exists(#key) AND ${condition}`, { '#status': 'status', ...names }, values);
      return { recorded: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { recorded: false };
      throw toAdapterError('DynamoDB UpdateItem', error);
    }
  }

  /** One UpdateItem of a job under `condition` (which names the key as `#key`). */
  private async updateExisting(jobId: string, expression: string, condition: string, names: Record<string, string>, values: Record<string, unknown> | undefined): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall({ [partitionKey]: jobId }),
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#key': partitionKey, ...names },
        ...(values ? { ExpressionAttributeValues: marshall(values, MARSHALL_OPTIONS) } : {}),
      }),
    );
  }

  /** The ids of jobs still open that were created before `before`, oldest first in each partition. */
  async listOpenBefore(before: Date, limit: number): Promise<string[]> {
    const ids: string[] = [];
    for (let shard = 0; shard < openJobsIndex.shards && ids.length < limit; shard++) {
      let start: Record<string, AttributeValue> | undefined;
      do {
        try {
          const page = await this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: openJobsIndex.name,
              KeyConditionExpression: '#shard = :shard AND #since < :before',
              ExpressionAttributeNames: { '#shard': openJobsIndex.partitionKey, '#since': openJobsIndex.sortKey },
              ExpressionAttributeValues: marshall({ ':shard': String(shard), ':before': before.toISOString() }),
              Limit: limit - ids.length,
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          for (const item of page.Items ?? []) ids.push(String(unmarshall(item)[partitionKey]));
          start = page.LastEvaluatedKey;
        } catch (error) {
          throw toAdapterError('DynamoDB Query', error);
        }
      } while (start && ids.length < limit);
    }
    return ids;
  }

  /** The job's record (strongly consistent), or undefined when it was never recorded. */
  async get(jobId: string): Promise<JobRecord | undefined> {
    try {
      const response = await this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: marshall({ [partitionKey]: jobId }), ConsistentRead: true }),
      );
      return response.Item ? (unmarshall(response.Item) as JobRecord) : undefined;
    } catch (error) {
      throw toAdapterError('DynamoDB GetItem', error);
    }
  }
}
