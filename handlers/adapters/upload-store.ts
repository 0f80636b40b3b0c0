/**
 * The API's upload records, kept in the jobs table beside the jobs (`upload#<uploadId>` items):
 * recorded when an upload is presigned, found with the jobs their object started through the
 * by-upload index, listed per owner newest first through the by-owner index, and marked deleted
 * (which takes them out of the listing). Writes are conditional, so an upload id is used once and
 * only its owner's request can delete it.
 */
import {
  ConditionalCheckFailedException,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { CodedError } from '../core/errors';
import type { JobRecord } from '../workflow/job-record';
import { toAdapterError } from './aws-errors';
import { JOBS_TABLE_SCHEMA, UPLOAD_RECORD_SORT } from './job-table';

const { partitionKey, ownerIndex, uploadIndex, uploadKeyPrefix } = JOBS_TABLE_SCHEMA;

/** What the API knows of an upload. */
export interface UploadRecord {
  readonly uploadId: string;
  readonly owner: string;
  readonly fileName: string;
  readonly album: string | null;
  readonly contentType: string;
  readonly bytes: number;
  /** The object's key in the raw bucket. */
  readonly key: string;
  /** ISO-8601 time the upload was presigned. */
  readonly createdAt: string;
  readonly deletedAt?: string;
}

export interface UploadWithJobs {
  readonly upload: UploadRecord;
  /** The jobs its object started, newest first (an object put again under the same key is a new job). */
  readonly jobs: readonly JobRecord[];
}

/** A position in an owner's listing: the last upload of the page before. */
export interface ListPosition {
  readonly listedAt: string;
  readonly uploadId: string;
}

export interface UploadPage {
  readonly uploads: readonly UploadRecord[];
  readonly next: ListPosition | null;
}

const SECONDS_PER_DAY = 86_400;

export class DynamoUploadStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly options: { readonly ttlDays: number },
  ) {}

  /** Records a new upload; an id already recorded is refused (ids are random, so it means a bug). */
  async create(upload: UploadRecord): Promise<void> {
    const item = {
      [partitionKey]: `${uploadKeyPrefix}${upload.uploadId}`,
      ...upload,
      [uploadIndex.partitionKey]: upload.uploadId,
      [uploadIndex.sortKey]: UPLOAD_RECORD_SORT,
      [ownerIndex.partitionKey]: upload.owner,
      [ownerIndex.sortKey]: upload.createdAt,
      [JOBS_TABLE_SCHEMA.ttlAttribute]: Math.floor(Date.parse(upload.createdAt) / 1000) + this.options.ttlDays * SECONDS_PER_DAY,
    };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(item, { removeUndefinedValues: true }),
          ConditionExpression: `attribute_not_exists(${partitionKey})`,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new CodedError('INTERNAL', `Expected upload id ${upload.uploadId} to be new, but it is already recorded.`);
      }
      throw toAdapterError('DynamoDB PutItem', error);
    }
  }

  /** The upload and its jobs in one query, or undefined when no such upload was recorded. */
  async find(uploadId: string): Promise<UploadWithJobs | undefined> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.query('DynamoDB Query', {
        IndexName: uploadIndex.name,
        KeyConditionExpression: '#upload = :upload',
        ExpressionAttributeNames: { '#upload': uploadIndex.partitionKey },
        ExpressionAttributeValues: marshall({ ':upload': uploadId }),
        ScanIndexForward: false,
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    const record = items.find((item) => item[uploadIndex.sortKey] === UPLOAD_RECORD_SORT);
    if (!record) return undefined;
    const jobs = items.filter((item) => item !== record) as unknown as JobRecord[];
    return { upload: toUploadRecord(record), jobs };
  }

  /** One page of an owner's uploads, newest first, optionally of one album. */
  async list(owner: string, options: { readonly limit: number; readonly after?: ListPosition; readonly album?: string }): Promise<UploadPage> {
    const uploads: UploadRecord[] = [];
    let start: Record<string, AttributeValue> | undefined = options.after ? this.indexKey(owner, options.after) : undefined;
    // With an album filter a page of the index may match fewer than `limit`: read on until it is full.
    do {
      const page = await this.query('DynamoDB Query', {
        IndexName: ownerIndex.name,
        KeyConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': ownerIndex.partitionKey, ...(options.album === undefined ? {} : { '#album': 'album' }) },
        ExpressionAttributeValues: marshall({ ':owner': owner, ...(options.album === undefined ? {} : { ':album': options.album }) }),
        ...(options.album === undefined ? {} : { FilterExpression: '#album = :album' }),
        ScanIndexForward: false,
        Limit: options.limit - uploads.length,
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      uploads.push(...(page.Items ?? []).map((item) => toUploadRecord(unmarshall(item))));
      start = page.LastEvaluatedKey;
    } while (start && uploads.length < options.limit);
    const last = uploads[uploads.length - 1];
    return { uploads, next: start && last ? { listedAt: last.createdAt, uploadId: last.uploadId } : null };
  }

  /** Marks the upload deleted and takes it out of the listing; false when it is not the owner's or already deleted. */
  async markDeleted(uploadId: string, owner: string, at: Date): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [partitionKey]: `${uploadKeyPrefix}${uploadId}` }),
          UpdateExpression: 'SET #deletedAt = :at REMOVE #ownerKey, #listedAt',
          ConditionExpression: '#owner = :owner AND attribute_not_exists(#deletedAt)',
          ExpressionAttributeNames: { '#deletedAt': 'deletedAt', '#ownerKey': ownerIndex.partitionKey, '#listedAt': ownerIndex.sortKey, '#owner': 'owner' },
          ExpressionAttributeValues: marshall({ ':at': at.toISOString(), ':owner': owner }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw toAdapterError('DynamoDB UpdateItem', error);
    }
  }

  private indexKey(owner: string, after: ListPosition): Record<string, AttributeValue> {
    return marshall({ [partitionKey]: `${uploadKeyPrefix}${after.uploadId}`, [ownerIndex.partitionKey]: owner, [ownerIndex.sortKey]: after.listedAt });
  }

  private async query(operation: string, input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) {
    try {
      return await this.client.send(new QueryCommand({ TableName: this.tableName, ...input }));
    } catch (error) {
      throw toAdapterError(operation, error);
    }
  }
}

function toUploadRecord(item: Record<string, unknown>): UploadRecord {
  return {
    uploadId: String(item.uploadId),
    owner: String(item.owner),
    fileName: String(item.fileName),
    album: typeof item.album === 'string' ? item.album : null,
    contentType: String(item.contentType),
    bytes: Number(item.bytes),
    key: String(item.key),
    createdAt: String(item.createdAt),
    ...(typeof item.deletedAt === 'string' ? { deletedAt: item.deletedAt } : {}),
  };
}
