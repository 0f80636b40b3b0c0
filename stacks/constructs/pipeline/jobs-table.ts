/**
 * The jobs table: one item per job, written at every state transition with conditional writes;
 * items expire through the TTL attribute. Key and TTL names come from the job store's schema
 * (handlers/adapters/job-table.ts).
 */
import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { JOBS_TABLE_INDEXES, JOBS_TABLE_SCHEMA } from '../../../handlers/adapters/job-table';
import type { Grantable } from '../shared/iam';
import { metric, type Metric } from '../shared/metric';

export interface JobsTableProps {
  readonly tableName: string;
  /** Refuses `DeleteTable` until switched off again. @default true */
  readonly deletionProtection?: boolean;
  /** Customer managed KMS key. @default the AWS managed key `aws/dynamodb` */
  readonly kmsKeyArn?: string;
  /** Terraform refuses to destroy the table (`lifecycle.prevent_destroy`). @default true */
  readonly preventDestroy?: boolean;
}

const openJobs = JOBS_TABLE_SCHEMA.openJobsIndex;

export class JobsTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: JobsTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: JOBS_TABLE_SCHEMA.partitionKey,
      attribute: [
        { name: JOBS_TABLE_SCHEMA.partitionKey, type: JOBS_TABLE_SCHEMA.partitionKeyType },
        ...[...new Set(JOBS_TABLE_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]))].map((name) => ({ name, type: 'S' })),
      ],
      globalSecondaryIndex: JOBS_TABLE_INDEXES.map((index) => ({ name: index.name, hashKey: index.partitionKey, rangeKey: index.sortKey, projectionType: index.projection })),
      ttl: { attributeName: JOBS_TABLE_SCHEMA.ttlAttribute, enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, ...(props.kmsKeyArn ? { kmsKeyArn: props.kmsKeyArn } : {}) },
      deletionProtectionEnabled: props.deletionProtection ?? true,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
  }

  get tableName(): string {
    return this.table.name;
  }

  /** An AWS/DynamoDB metric of this table (ReadThrottleEvents, WriteThrottleEvents), or of one operation on it (SystemErrors). */
  metric(metricName: string, options: { readonly operation?: string; readonly statistic?: string } = {}): Metric {
    const dimensions = { TableName: this.table.name, ...(options.operation ? { Operation: options.operation } : {}) };
    return metric('AWS/DynamoDB', metricName, dimensions, { ...options, label: options.operation ? `${options.operation} ${metricName}` : metricName });
  }

  /** Inserts new job records (start-workflow). */
  grantCreateJob(grantee: Grantable): void {
    grantee.addToRolePolicy({ Sid: 'CreateJob', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: this.table.arn });
  }

  /**
   * Takes and gives back a job's start lease and records its execution: conditional UpdateItems,
   * with GetItem as the fallback read when a failed condition returns no item.
   */
  grantStartJob(grantee: Grantable): void {
    grantee.addToRolePolicy({ Sid: 'StartJob', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: this.table.arn });
  }

  /** Queries the open-jobs index (the reconciler's sweep). */
  grantListOpenJobs(grantee: Grantable): void {
    grantee.addToRolePolicy({ Sid: 'ListOpenJobs', Effect: 'Allow', Action: 'dynamodb:Query', Resource: `${this.table.arn}/index/${openJobs.name}` });
  }

  /**
   * The API's upload records (`upload#<id>` items): created with PutItem, marked deleted with a
   * conditional UpdateItem, read with GetItem. Limited to those keys by `dynamodb:LeadingKeys`.
   */
  grantRecordUploads(grantee: Grantable): void {
    grantee.addToRolePolicy({
      Sid: 'RecordUploads',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Resource: this.table.arn,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${JOBS_TABLE_SCHEMA.uploadKeyPrefix}*`] } },
    });
  }

  /** Queries an owner's uploads (by-owner) and an upload's jobs (by-upload). */
  grantQueryUploads(grantee: Grantable): void {
    grantee.addToRolePolicy({
      Sid: 'QueryUploads',
      Effect: 'Allow',
      Action: 'dynamodb:Query',
      Resource: [`${this.table.arn}/index/${JOBS_TABLE_SCHEMA.ownerIndex.name}`, `${this.table.arn}/index/${JOBS_TABLE_SCHEMA.uploadIndex.name}`],
    });
  }

  /** Looks up an API token's record by its hash (`token#<sha256>` items only). */
  grantReadTokens(grantee: Grantable): void {
    grantee.addToRolePolicy({
      Sid: 'ReadTokens',
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: this.table.arn,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${JOBS_TABLE_SCHEMA.tokenKeyPrefix}*`] } },
    });
  }

  /**
   * Advances job records: one conditional UpdateItem; GetItem is the job store's fallback read
   * when a failed condition returns no item (handlers/adapters/job-store.ts).
   */
  grantAdvanceJob(grantee: Grantable): void {
    grantee.addToRolePolicy({ Sid: 'AdvanceJob', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: this.table.arn });
  }
}
