/**
 * One S3 bucket with everything a bucket here must have: owner-enforced objects, every public
 * access blocked, default encryption, versioning, a policy refusing plain HTTP and TLS below 1.2,
 * and its lifecycle rules.
 */
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA as S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { policyDocument, type PolicyStatement } from './iam';

export interface SecureBucketProps {
  readonly bucketName: string;
  /** KMS key for SSE-KMS (with S3 bucket keys). @default SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
  /** Lets `destroy` delete the bucket while it still holds objects. @default false */
  readonly forceDestroy?: boolean;
  /** @default none */
  readonly lifecycleRules?: readonly S3BucketLifecycleConfigurationRule[];
  /** Terraform refuses to destroy the bucket (`lifecycle.prevent_destroy`). @default true */
  readonly preventDestroy?: boolean;
}

export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  private readonly extraStatements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    const bucket = this.bucket.id;

    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public_access', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfiguration(this, 'encryption', {
      bucket,
      rule: [
        props.kmsKeyArn
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    const versioning = new S3BucketVersioning(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketPolicy(this, 'policy', {
      bucket,
      // Rendered at synth time, so statements added with addToPolicy land in it.
      policy: Lazy.stringValue({ produce: () => policyDocument([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Sid: 'DenyOutdatedTls',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
          Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
        },
        ...this.extraStatements,
      ]) }),
      // S3 rejects a policy change while the public access block is being written.
      dependsOn: [publicAccess],
    });
    if (props.lifecycleRules && props.lifecycleRules.length > 0) {
      new S3BucketLifecycleConfiguration(this, 'lifecycle', {
        bucket,
        rule: [...props.lifecycleRules],
        dependsOn: [versioning],
      });
    }
  }

  /** Adds a statement to the bucket policy, besides refusing plain HTTP and old TLS. */
  addToPolicy(statement: PolicyStatement): void {
    this.extraStatements.push(statement);
  }
}
