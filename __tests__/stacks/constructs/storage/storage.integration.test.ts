import { Testing } from 'cdktf';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { StatementCollector, type Grantable, type PolicyStatement } from '../../../../stacks/constructs/shared/iam';
import { ImageStorage, type ImageStorageProps } from '../../../../stacks/constructs/storage/storage';
import { list, resources, statements, type TerraformJson } from '../../support';

const BASE: ImageStorageProps = { rawBucketName: 'raw-bucket', processedBucketName: 'processed-bucket', accessLogsBucketName: 'logs-bucket', accountId: '123456789012', region: 'us-east-1' };

function synth(props: Partial<ImageStorageProps> = {}, use?: (storage: ImageStorage) => void): string {
  return Testing.synthScope((scope) => {
    const storage = new ImageStorage(scope, 'storage', { ...BASE, ...props });
    use?.(storage);
  });
}

const parse = (synthesized: string) => JSON.parse(synthesized) as TerraformJson;

/** A stand-in grantee that records statements. */
function grantee(): Grantable & { readonly statements: () => PolicyStatement[] } {
  const collector = new StatementCollector();
  return { grantName: 'test', addToRolePolicy: (statement) => collector.add(statement), statements: () => collector.list() };
}

describe('ImageStorage', () => {
  it('creates both buckets private, owner-enforced, versioned and encrypted with SSE-S3 by default', () => {
    const synthesized = synth();
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, { bucket: 'raw-bucket', force_destroy: false });
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, { bucket: 'processed-bucket', force_destroy: false });
    const json = parse(synthesized);
    expect(Object.values(resources(json, 'aws_s3_bucket_public_access_block'))).toHaveLength(3);
    expect(synthesized).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(synthesized).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: 'BucketOwnerEnforced' } });
    expect(synthesized).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    expect(synthesized).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
    for (const kind of ['versioning', 'encryption', 'ownership', 'public_access', 'policy', 'lifecycle']) {
      const type = {
        versioning: 'aws_s3_bucket_versioning',
        encryption: 'aws_s3_bucket_server_side_encryption_configuration',
        ownership: 'aws_s3_bucket_ownership_controls',
        public_access: 'aws_s3_bucket_public_access_block',
        policy: 'aws_s3_bucket_policy',
        lifecycle: 'aws_s3_bucket_lifecycle_configuration',
      }[kind]!;
      // The raw and processed buckets, and the one that keeps their access logs.
      expect(Object.keys(resources(json, type))).toHaveLength(3);
    }
  });

  it('uses SSE-KMS with bucket keys when given a key', () => {
    expect(synth({ kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc' })).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:aws:kms:us-east-1:123456789012:key/abc' }, bucket_key_enabled: true }],
    });
  });

  it('denies every request without TLS 1.2 or later, after the public access block is in place', () => {
    const policies = Object.values(resources(parse(synth()), 'aws_s3_bucket_policy'));
    for (const policy of policies) {
      expect(policy.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_public_access_block\./)]);
      const [insecure, outdated] = statements(policy.policy);
      expect(insecure).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
      expect(outdated).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } });
      const bucketArn = list(insecure!.Resource)[0]!;
      expect(list(insecure!.Resource)).toEqual([bucketArn, `${bucketArn}/*`]);
    }
  });

  it('aborts incomplete multipart uploads, expires old versions, and expires the work area after a day', () => {
    const lifecycles = resources(parse(synth()), 'aws_s3_bucket_lifecycle_configuration');
    const rawRules = Object.values(lifecycles).find((lifecycle) => lifecycle.bucket.includes('raw'))!.rule;
    const processedRules = Object.values(lifecycles).find((lifecycle) => lifecycle.bucket.includes('processed'))!.rule;
    const cleanUp = (noncurrentDays: number) => ({
      id: 'clean-up',
      status: 'Enabled',
      filter: [{}],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      noncurrent_version_expiration: [{ noncurrent_days: noncurrentDays }],
      expiration: [{ expired_object_delete_marker: true }],
    });
    // A failed or deleted job's outputs do not linger: the processed bucket forgets old versions after a day.
    expect(rawRules).toEqual([cleanUp(30), { id: 'raw-uploads', status: 'Enabled', filter: [{ prefix: 'uploads/' }], transition: [{ days: 30, storage_class: 'STANDARD_IA' }] }]);
    expect(processedRules).toEqual([
      cleanUp(1),
      { id: 'expire-work-area', status: 'Enabled', filter: [{ prefix: '_work/' }], expiration: [{ days: 1 }], noncurrent_version_expiration: [{ noncurrent_days: 1 }] },
    ]);
  });

  it('makes the raw uploads transition and expiry configurable, and drops the rule when both are off', () => {
    const rules = (props: Partial<ImageStorageProps>) =>
      Object.values(resources(parse(synth(props)), 'aws_s3_bucket_lifecycle_configuration')).find((lifecycle) => lifecycle.bucket.includes('raw'))!.rule;
    expect(rules({ rawTransitionDays: 90, rawTransitionStorageClass: 'GLACIER_IR', rawExpirationDays: 365, uploadsPrefix: 'in/' })[1]).toEqual({
      id: 'raw-uploads',
      status: 'Enabled',
      filter: [{ prefix: 'in/' }],
      transition: [{ days: 90, storage_class: 'GLACIER_IR' }],
      expiration: [{ days: 365 }],
    });
    expect(rules({ rawTransitionDays: 0, rawExpirationDays: 0 }).map((rule: { id: string }) => rule.id)).toEqual(['clean-up']);
  });

  it('logs access to both buckets in a logs bucket that only S3 log delivery for them may write to, with SSE-S3', () => {
    const json = parse(synth({ kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc', accessLogRetentionDays: 90 }));
    const logging = Object.values(resources(json, 'aws_s3_bucket_logging'));
    const logged = logging.map((entry) => [entry.bucket.match(/storage_(raw|processed)_bucket/)?.[1], entry.target_prefix, entry.target_bucket]);
    expect(logged.sort()).toEqual([
      ['processed', 'processed/', expect.stringMatching(/storage_access_logs_bucket.*\.id\}$/)],
      ['raw', 'raw/', expect.stringMatching(/storage_access_logs_bucket.*\.id\}$/)],
    ]);
    const logsPolicy = Object.values(resources(json, 'aws_s3_bucket_policy')).find((policy) => policy.bucket.includes('access_logs'))!;
    const delivery = statements(logsPolicy.policy).filter((statement) => statement.Effect === 'Allow');
    expect(delivery).toEqual([
      expect.objectContaining({ Sid: 'DeliverAccessLogsOfRaw', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Resource: expect.stringMatching(/\/raw\/\*$/), Condition: { ArnEquals: { 'aws:SourceArn': expect.stringMatching(/storage_raw_bucket/) }, StringEquals: { 'aws:SourceAccount': '123456789012' } } }),
      expect.objectContaining({ Sid: 'DeliverAccessLogsOfProcessed', Resource: expect.stringMatching(/\/processed\/\*$/) }),
    ]);
    const encryption = Object.values(resources(json, 'aws_s3_bucket_server_side_encryption_configuration'));
    expect(encryption.find((sse) => sse.bucket.includes('access_logs'))!.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
    const logsLifecycle = Object.values(resources(json, 'aws_s3_bucket_lifecycle_configuration')).find((lifecycle) => lifecycle.bucket.includes('access_logs'))!;
    expect(logsLifecycle.rule[0]).toMatchObject({ expiration: [{ days: 90 }] });
  });

  it('keeps Terraform from destroying the buckets unless told otherwise', () => {
    const buckets = (props: Partial<ImageStorageProps>) => Object.values(resources(parse(synth(props)), 'aws_s3_bucket')).map((bucket) => bucket.lifecycle);
    expect(buckets({})).toEqual([{ prevent_destroy: true }, { prevent_destroy: true }, { prevent_destroy: true }]);
    expect(buckets({ preventDestroy: false })).toEqual([{ prevent_destroy: false }, { prevent_destroy: false }, { prevent_destroy: false }]);
  });

  it('allows browser uploads to the raw bucket only', () => {
    const synthesized = synth({ corsAllowedOrigins: ['https://app.example.com'] });
    expect(synthesized).toHaveResourceWithProperties(S3BucketCorsConfiguration, {
      cors_rule: [expect.objectContaining({ allowed_methods: ['POST', 'PUT'], allowed_origins: ['https://app.example.com'] })],
    });
    const cors = Object.values(resources(parse(synthesized), 'aws_s3_bucket_cors_configuration'));
    expect(cors).toHaveLength(1);
    expect(cors[0].bucket).toMatch(/aws_s3_bucket\.storage_raw_bucket/);
    expect(cors[0].cors_rule).toEqual([
      { id: 'browser-uploads', allowed_methods: ['POST', 'PUT'], allowed_origins: ['https://app.example.com'], allowed_headers: ['*'], expose_headers: ['ETag'], max_age_seconds: 3000 },
    ]);
  });

  it('sets no CORS rule when no origin is allowed, as by default', () => {
    expect(Object.keys(resources(parse(synth({ corsAllowedOrigins: [] })), 'aws_s3_bucket_cors_configuration'))).toEqual([]);
    expect(Object.keys(resources(parse(synth()), 'aws_s3_bucket_cors_configuration'))).toEqual([]);
  });

  it('notifies start-workflow of uploads under the prefix, with an invoke permission scoped to the bucket and account', () => {
    const synthesized = synth({ uploadsPrefix: 'incoming/' }, (storage) =>
      storage.notifyOnUpload({ functionName: 'image-processor-dev-start-workflow', arn: 'arn:aws:lambda:us-east-1:123456789012:function:start' }),
    );
    expect(synthesized).toHaveResourceWithProperties(LambdaPermission, {
      action: 'lambda:InvokeFunction',
      function_name: 'image-processor-dev-start-workflow',
      principal: 's3.amazonaws.com',
      source_account: '123456789012',
      source_arn: expect.stringMatching(/^\$\{aws_s3_bucket\.storage_raw_bucket[^.]*\.arn\}$/),
    });
    expect(synthesized).toHaveResourceWithProperties(S3BucketNotification, {
      lambda_function: [
        { id: 'start-workflow', events: ['s3:ObjectCreated:*'], filter_prefix: 'incoming/', lambda_function_arn: 'arn:aws:lambda:us-east-1:123456789012:function:start' },
      ],
      depends_on: [expect.stringMatching(/^aws_lambda_permission\./)],
    });
  });

  it('grants exact actions on exact prefixes', () => {
    const reader = grantee();
    const optimizer = grantee();
    const cleaner = grantee();
    Testing.synthScope((scope) => {
      const storage = new ImageStorage(scope, 'storage', BASE);
      storage.grantUploads(reader, ['read']);
      storage.grantWorkArea(optimizer, ['read', 'delete', 'list']);
      storage.grantOutputs(optimizer, ['write']);
      storage.grantOutputs(cleaner, ['list', 'delete']);
    });
    expect(reader.statements()).toEqual([
      { Sid: 'ReadUploads', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: expect.stringMatching(/\/uploads\/\*$/) },
      { Sid: 'ListUploads', Effect: 'Allow', Action: 's3:ListBucket', Resource: expect.any(String) },
    ]);
    expect(optimizer.statements()).toEqual([
      { Sid: 'WorkArea', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject'], Resource: expect.stringMatching(/\/_work\/\*$/) },
      { Sid: 'ListWorkArea', Effect: 'Allow', Action: 's3:ListBucket', Resource: expect.any(String), Condition: { StringLike: { 's3:prefix': '_work/*' } } },
      { Sid: 'WriteOutputs', Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Resource: expect.stringMatching(/\/\*$/) },
    ]);
    expect(cleaner.statements().map((statement) => statement.Action)).toEqual(['s3:ListBucket', 's3:DeleteObject']);
  });

  it('grants the bucket key once per grantee when buckets use SSE-KMS', () => {
    const optimizer = grantee();
    Testing.synthScope((scope) => {
      const storage = new ImageStorage(scope, 'storage', { ...BASE, kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc' });
      storage.grantWorkArea(optimizer, ['read']);
      storage.grantOutputs(optimizer, ['write']);
    });
    expect(optimizer.statements().filter((statement) => statement.Sid === 'UseBucketKey')).toEqual([
      {
        Sid: 'UseBucketKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: 'arn:aws:kms:us-east-1:123456789012:key/abc',
        // Only through S3, and only for objects of the bucket it was granted.
        Condition: {
          StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
          // The processed bucket's ARN and its objects' (tokens until synth), granted once.
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [expect.any(String), expect.stringMatching(/\/\*$/)] },
        },
      },
    ]);
  });
});
