/**
 * Job records in DynamoDB: one item per job (key `jobId`, string), written at every state
 * transition. S3 events arrive at least once and states are retried, so every write is
 * conditional: `create` only inserts, and `advance` is one UpdateItem whose condition is
 * derived from `canTransition` — a job never moves backwards, whatever order writers arrive in.
 * Items expire through the table's TTL attribute `expiresAt` (epoch seconds).
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { statusesAllowedBefore, type JobStatus } from '../core/job-status';
import type { JobError, JobInput, OutputRecord } from '../workflow/events';
import { toAdapterError } from './aws-errors';
import { JOBS_TABLE_SCHEMA } from './job-table';

// The schema's names are the record's own fields: renaming one without the other fails to compile.
const { partitionKey } = JOBS_TABLE_SCHEMA satisfies { readonly partitionKey: keyof JobRecord; readonly ttlAttribute: keyof JobRecord };

export interface JobHistoryEntry {
  readonly status: JobStatus;
  /** ISO-8601 time the status was recorded. */
  readonly at: string;
}

/** A job as stored. */
export interface JobRecord {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly source: JobInput['source'];
  /** ISO-8601 time the upload was received (from the S3 event). */
  readonly receivedAt: string;
  /** ISO-8601 time of the last applied write. */
  readonly updatedAt: string;
  /** TTL: epoch seconds after which DynamoDB may delete the item. */
  readonly expiresAt?: number;
  readonly error?: JobError;
  readonly outputs?: OutputRecord[];
  /** Free-form, JSON-like facts a step chose to record (e.g. the validated format and size). */
  readonly details?: Record<string, unknown>;
  /** Every applied write in order, including idempotent repeats. */
  readonly history: readonly JobHistoryEntry[];
}

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

  /** Records a new job as RECEIVED. A job already recorded (a duplicate event) is left alone. */
  async create(job: JobInput): Promise<{ created: boolean }> {
    const now = this.now();
    const record: JobRecord = {
      jobId: job.jobId,
      status: 'RECEIVED',
      source: job.source,
      receivedAt: job.receivedAt,
      updatedAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + this.ttlDays * SECONDS_PER_DAY,
      history: [{ status: 'RECEIVED', at: now.toISOString() }],
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
  async advance(jobId: string, status: JobStatus, fields: AdvanceFields = {}): Promise<{ applied: boolean; current?: JobStatus }> {
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
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [partitionKey]: jobId }),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `#status IN (${allowed.map((_, index) => `:from${index}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(values, MARSHALL_OPTIONS),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { applied: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw toAdapterError('DynamoDB UpdateItem', error);
      // DynamoDB returns the item that failed the condition; emulators that do not fall back to a read.
      const current = error.Item ? (unmarshall(error.Item).status as JobStatus | undefined) : (await this.get(jobId))?.status;
      return current ? { applied: false, current } : { applied: false };
    }
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
