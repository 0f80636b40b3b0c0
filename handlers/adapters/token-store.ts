/**
 * API tokens, kept in the jobs table under their own key space (`token#<sha256 of the token>`):
 * only the hash is stored, so the table never holds a usable token. Listed through the by-owner
 * index under the `#tokens` partition, which no owner name can be.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { toAdapterError } from './aws-errors';
import { JOBS_TABLE_SCHEMA } from './job-table';

const { partitionKey, ownerIndex, tokenKeyPrefix } = JOBS_TABLE_SCHEMA;
const TOKENS_PARTITION = '#tokens';
/** The part of a token's hash that names it in `list` and `revoke`. */
const TOKEN_ID_LENGTH = 16;

export interface TokenRecord {
  /** The first 16 hex digits of the token's hash: shown by `list`, given to `revoke`. */
  readonly tokenId: string;
  readonly owner: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** A new bearer token: `ipt_` and 43 characters of base64url (256 random bits). */
export function newToken(): string {
  return `ipt_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class DynamoTokenStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Stores the hash of `token` for `owner`. */
  async create(token: string, owner: string, at: Date): Promise<TokenRecord> {
    const hash = hashToken(token);
    const record: TokenRecord = { tokenId: hash.slice(0, TOKEN_ID_LENGTH), owner, createdAt: at.toISOString() };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ [partitionKey]: `${tokenKeyPrefix}${hash}`, ...record, [ownerIndex.partitionKey]: TOKENS_PARTITION, [ownerIndex.sortKey]: record.createdAt }),
          ConditionExpression: `attribute_not_exists(${partitionKey})`,
        }),
      );
    } catch (error) {
      throw toAdapterError('DynamoDB PutItem', error);
    }
    return record;
  }

  /** The owner of a live token, or undefined for one never issued or revoked. */
  async ownerOf(token: string): Promise<string | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: marshall({ [partitionKey]: `${tokenKeyPrefix}${hashToken(token)}` }) }),
      );
      const record = Item ? (unmarshall(Item) as TokenRecord) : undefined;
      return record && !record.revokedAt ? record.owner : undefined;
    } catch (error) {
      throw toAdapterError('DynamoDB GetItem', error);
    }
  }

  /** Every token, newest first. */
  async list(): Promise<TokenRecord[]> {
    return (await this.tokenItems()).map(({ tokenId, owner, createdAt, revokedAt }) => ({
      tokenId: String(tokenId),
      owner: String(owner),
      createdAt: String(createdAt),
      ...(typeof revokedAt === 'string' ? { revokedAt } : {}),
    }));
  }

  /** Revokes the token `tokenId` names; false when there is none, or it was already revoked. */
  async revoke(tokenId: string, at: Date): Promise<boolean> {
    const hashes = await this.hashesOf(tokenId);
    if (hashes.length !== 1) return false;
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [partitionKey]: `${tokenKeyPrefix}${hashes[0]}` }),
          UpdateExpression: 'SET #revokedAt = :at',
          ConditionExpression: 'attribute_exists(#key) AND attribute_not_exists(#revokedAt)',
          ExpressionAttributeNames: { '#key': partitionKey, '#revokedAt': 'revokedAt' },
          ExpressionAttributeValues: marshall({ ':at': at.toISOString() }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw toAdapterError('DynamoDB UpdateItem', error);
    }
  }

  /** The full hashes whose id is `tokenId` (the index projects every attribute, the key included). */
  private async hashesOf(tokenId: string): Promise<string[]> {
    return (await this.tokenItems(tokenId)).map((item) => String(item[partitionKey]).slice(tokenKeyPrefix.length));
  }

  /** The token items, newest first; only the one `tokenId` names when given. */
  private async tokenItems(tokenId?: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      try {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: ownerIndex.name,
            KeyConditionExpression: '#owner = :tokens',
            ExpressionAttributeNames: { '#owner': ownerIndex.partitionKey, ...(tokenId ? { '#tokenId': 'tokenId' } : {}) },
            ExpressionAttributeValues: marshall({ ':tokens': TOKENS_PARTITION, ...(tokenId ? { ':id': tokenId } : {}) }),
            ...(tokenId ? { FilterExpression: '#tokenId = :id' } : {}),
            ScanIndexForward: false,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
        start = page.LastEvaluatedKey;
      } catch (error) {
        throw toAdapterError('DynamoDB Query', error);
      }
    } while (start);
    return items;
  }
}
