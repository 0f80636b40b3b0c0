import { Testing } from 'cdktf';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { StatementCollector } from '../../../../stacks/constructs/shared/iam';
import { JobsTable } from '../../../../stacks/constructs/pipeline/jobs-table';
import '../../support';

describe('JobsTable', () => {
  it('is on demand, keyed by jobId, with TTL on expiresAt, point-in-time recovery, KMS encryption and deletion protection by default', () => {
    const synthesized = Testing.synthScope((scope) => new JobsTable(scope, 'jobs', { tableName: 'image-processor-dev-jobs' }));
    expect(synthesized).toHaveResourceWithProperties(DynamodbTable, {
      name: 'image-processor-dev-jobs',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'jobId',
      attribute: [
        { name: 'jobId', type: 'S' },
        { name: 'openShard', type: 'S' },
        { name: 'openSince', type: 'S' },
        { name: 'ownerKey', type: 'S' },
        { name: 'listedAt', type: 'S' },
        { name: 'uploadId', type: 'S' },
        { name: 'uploadSort', type: 'S' },
      ],
      global_secondary_index: [
        { name: 'open-jobs', hash_key: 'openShard', range_key: 'openSince', projection_type: 'KEYS_ONLY' },
        { name: 'by-owner', hash_key: 'ownerKey', range_key: 'listedAt', projection_type: 'ALL' },
        { name: 'by-upload', hash_key: 'uploadId', range_key: 'uploadSort', projection_type: 'ALL' },
      ],
      ttl: { attribute_name: 'expiresAt', enabled: true },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
    });
  });

  it('turns deletion protection off when asked (dev) and takes a customer managed key', () => {
    const synthesized = Testing.synthScope(
      (scope) => new JobsTable(scope, 'jobs', { tableName: 'jobs', deletionProtection: false, kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k' }),
    );
    expect(synthesized).toHaveResourceWithProperties(DynamodbTable, {
      deletion_protection_enabled: false,
      server_side_encryption: { enabled: true, kms_key_arn: 'arn:aws:kms:us-east-1:123456789012:key/k' },
    });
  });

  it('grants creating and advancing jobs separately', () => {
    const creator = new StatementCollector();
    const advancer = new StatementCollector();
    Testing.synthScope((scope) => {
      const table = new JobsTable(scope, 'jobs', { tableName: 'jobs' });
      table.grantCreateJob({ grantName: 'creator', addToRolePolicy: (statement) => creator.add(statement) });
      table.grantAdvanceJob({ grantName: 'advancer', addToRolePolicy: (statement) => advancer.add(statement) });
    });
    expect(creator.list().map((statement) => statement.Action)).toEqual(['dynamodb:PutItem']);
    expect(advancer.list().map((statement) => statement.Action)).toEqual([['dynamodb:GetItem', 'dynamodb:UpdateItem']]);
  });
});
