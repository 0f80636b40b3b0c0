/**
 * The raw uploads bucket and the processed bucket, each private, encrypted, versioned, TLS-only
 * and cleaned up by lifecycle rules; uploads under the uploads prefix notify start-workflow.
 */
import { Construct } from 'constructs';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA as S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { defaultSettings } from '../config';
import { policyDocument, type Grantable } from './iam';

const DEFAULTS = defaultSettings('dev');

export interface ImageStorageProps {
  /** Name of the raw uploads bucket. */
  readonly rawBucketName: string;
  /** Name of the processed bucket. */
  readonly processedBucketName: string;
  /** The account that owns the buckets: S3's notification permission is scoped to it. */
  readonly accountId: string;
  /** Uploads under this prefix start a workflow. @default 'uploads/' */
  readonly uploadsPrefix?: string;
  /** Scratch prefix in the processed bucket. @default '_work/' */
  readonly workPrefix?: string;
  /** Days before scratch objects expire. @default 1 */
  readonly workExpirationDays?: number;
  /** KMS key for SSE-KMS (with S3 bucket keys). @default SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
  /** Days before raw uploads transition; 0 disables the transition. @default 30 */
  readonly rawTransitionDays?: number;
  /** @default 'STANDARD_IA' */
  readonly rawTransitionStorageClass?: string;
  /** Days before raw uploads expire; 0 keeps them. @default 0 */
  readonly rawExpirationDays?: number;
  /** Days before noncurrent versions are removed (both buckets). @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Days before incomplete multipart uploads are aborted (both buckets). @default 7 */
  readonly abortIncompleteMultipartUploadDays?: number;
  /** Origins allowed to upload from a browser; empty means no CORS rule. @default ['*'] (`prod`: none) */
  readonly corsAllowedOrigins?: readonly string[];
  /** Lets `destroy` delete non-empty buckets. @default false */
  readonly forceDestroy?: boolean;
}

interface SecureBucketProps {
  readonly bucketName: string;
  readonly kmsKeyArn?: string;
  readonly forceDestroy: boolean;
  readonly lifecycleRules: readonly S3BucketLifecycleConfigurationRule[];
}

/** One bucket with everything a bucket here must have. */
class SecureBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: props.forceDestroy });
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
      policy: policyDocument([
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
      ]),
      // S3 rejects a policy change while the public access block is being written.
      dependsOn: [publicAccess],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [...props.lifecycleRules],
      dependsOn: [versioning],
    });
  }
}

export class ImageStorage extends Construct {
  readonly rawBucket: S3Bucket;
  readonly processedBucket: S3Bucket;
  readonly uploadsPrefix: string;
  readonly workPrefix: string;
  readonly kmsKeyArn: string | undefined;
  private readonly accountId: string;
  private readonly kmsGrants = new Map<Grantable, string[]>();

  constructor(scope: Construct, id: string, props: ImageStorageProps) {
    super(scope, id);
    this.uploadsPrefix = props.uploadsPrefix ?? DEFAULTS.uploadsPrefix;
    this.workPrefix = props.workPrefix ?? DEFAULTS.workPrefix;
    this.kmsKeyArn = props.kmsKeyArn;
    this.accountId = props.accountId;
    const workExpirationDays = props.workExpirationDays ?? DEFAULTS.workExpirationDays;
    const rawTransitionDays = props.rawTransitionDays ?? DEFAULTS.rawTransitionDays;
    const rawExpirationDays = props.rawExpirationDays ?? DEFAULTS.rawExpirationDays;
    const forceDestroy = props.forceDestroy ?? false;

    const cleanUp: S3BucketLifecycleConfigurationRule = {
      id: 'clean-up',
      status: 'Enabled',
      filter: [{}],
      abortIncompleteMultipartUpload: [
        { daysAfterInitiation: props.abortIncompleteMultipartUploadDays ?? DEFAULTS.abortIncompleteMultipartUploadDays },
      ],
      noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? DEFAULTS.noncurrentVersionExpirationDays }],
      expiration: [{ expiredObjectDeleteMarker: true }],
    };
    const rawRules: S3BucketLifecycleConfigurationRule[] = [cleanUp];
    if (rawTransitionDays > 0 || rawExpirationDays > 0) {
      rawRules.push({
        id: 'raw-uploads',
        status: 'Enabled',
        filter: [{ prefix: this.uploadsPrefix }],
        ...(rawTransitionDays > 0
          ? { transition: [{ days: rawTransitionDays, storageClass: props.rawTransitionStorageClass ?? DEFAULTS.rawTransitionStorageClass }] }
          : {}),
        ...(rawExpirationDays > 0 ? { expiration: [{ days: rawExpirationDays }] } : {}),
      });
    }

    const raw = new SecureBucket(this, 'raw', {
      bucketName: props.rawBucketName,
      forceDestroy,
      lifecycleRules: rawRules,
      ...(props.kmsKeyArn ? { kmsKeyArn: props.kmsKeyArn } : {}),
    });
    const processed = new SecureBucket(this, 'processed', {
      bucketName: props.processedBucketName,
      forceDestroy,
      lifecycleRules: [
        cleanUp,
        {
          id: 'expire-work-area',
          status: 'Enabled',
          filter: [{ prefix: this.workPrefix }],
          expiration: [{ days: workExpirationDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: workExpirationDays }],
        },
      ],
      ...(props.kmsKeyArn ? { kmsKeyArn: props.kmsKeyArn } : {}),
    });
    this.rawBucket = raw.bucket;
    this.processedBucket = processed.bucket;

    const corsOrigins = props.corsAllowedOrigins ?? DEFAULTS.corsAllowedOrigins;
    if (corsOrigins.length > 0) {
      new S3BucketCorsConfiguration(this, 'raw_cors', {
        bucket: this.rawBucket.id,
        corsRule: [
          {
            id: 'browser-uploads',
            allowedMethods: ['POST', 'PUT'],
            allowedOrigins: [...corsOrigins],
            allowedHeaders: ['*'],
            exposeHeaders: ['ETag'],
            maxAgeSeconds: 3000,
          },
        ],
      });
    }
  }

  /** Sends ObjectCreated events under the uploads prefix to `target`, which only S3 for this bucket and account may invoke. */
  notifyOnUpload(target: { readonly functionName: string; readonly arn: string }): void {
    const permission = new LambdaPermission(this, 'upload_invoke_permission', {
      statementId: 'AllowRawBucketObjectCreated',
      action: 'lambda:InvokeFunction',
      functionName: target.functionName,
      principal: 's3.amazonaws.com',
      sourceArn: this.rawBucket.arn,
      sourceAccount: this.accountId,
    });
    new S3BucketNotification(this, 'upload_notification', {
      bucket: this.rawBucket.id,
      lambdaFunction: [{ id: 'start-workflow', lambdaFunctionArn: target.arn, events: ['s3:ObjectCreated:*'], filterPrefix: this.uploadsPrefix }],
      dependsOn: [permission],
    });
  }

  /** Reads uploads (any version) under the uploads prefix of the raw bucket. */
  grantReadUploads(grantee: Grantable): void {
    grantee.addToRolePolicy({
      Sid: 'ReadUploads',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: `${this.rawBucket.arn}/${this.uploadsPrefix}*`,
    });
    // Without ListBucket on the bucket, S3 answers a missing key with 403, not 404, and the job
    // would fail as INTERNAL instead of OBJECT_MISSING. S3 checks it for the bucket as a whole (no
    // prefix in that check), and the raw bucket holds only uploads this function may read anyway.
    grantee.addToRolePolicy({ Sid: 'ListUploads', Effect: 'Allow', Action: 's3:ListBucket', Resource: this.rawBucket.arn });
    this.grantKms(grantee, ['kms:Decrypt']);
  }

  /**
   * Object access to the scratch area (`<processed>/_work/*`). Writing includes aborting a
   * multipart upload: large objects go up in parts, and a failed upload is aborted.
   */
  grantWorkArea(grantee: Grantable, access: readonly ('read' | 'write' | 'delete')[]): void {
    const actions = { read: ['s3:GetObject'], write: ['s3:PutObject', 's3:AbortMultipartUpload'], delete: ['s3:DeleteObject'] } as const;
    grantee.addToRolePolicy({
      Sid: 'WorkArea',
      Effect: 'Allow',
      Action: access.flatMap((kind) => actions[kind]),
      Resource: `${this.processedBucket.arn}/${this.workPrefix}*`,
    });
    if (access.includes('read')) this.grantKms(grantee, ['kms:Decrypt']);
    if (access.includes('write')) this.grantKms(grantee, ['kms:Decrypt', 'kms:GenerateDataKey']);
  }

  /** Lists the scratch area only (`s3:prefix` must start with the work prefix): deleting a job's scratch objects lists them first. */
  grantListWorkArea(grantee: Grantable): void {
    grantee.addToRolePolicy({
      Sid: 'ListWorkArea',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: this.processedBucket.arn,
      Condition: { StringLike: { 's3:prefix': `${this.workPrefix}*` } },
    });
  }

  /** Writes processed outputs (`<processed>/*`), in parts when large. */
  grantWriteOutputs(grantee: Grantable): void {
    grantee.addToRolePolicy({
      Sid: 'WriteOutputs',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
      Resource: `${this.processedBucket.arn}/*`,
    });
    this.grantKms(grantee, ['kms:Decrypt', 'kms:GenerateDataKey']);
  }

  /** Lists and deletes anything in the processed bucket: removing a failed job's partial outputs and scratch files. */
  grantCleanUpOutputs(grantee: Grantable): void {
    grantee.addToRolePolicy({ Sid: 'ListOutputs', Effect: 'Allow', Action: 's3:ListBucket', Resource: this.processedBucket.arn });
    grantee.addToRolePolicy({ Sid: 'DeleteOutputs', Effect: 'Allow', Action: 's3:DeleteObject', Resource: `${this.processedBucket.arn}/*` });
  }

  /** With SSE-KMS, reading needs kms:Decrypt and writing kms:GenerateDataKey on the bucket key: one statement per grantee. */
  private grantKms(grantee: Grantable, actions: readonly string[]): void {
    if (!this.kmsKeyArn) return;
    let granted = this.kmsGrants.get(grantee);
    if (!granted) {
      // The statement keeps this array: actions granted later still land in it (policies render at synth).
      granted = [];
      this.kmsGrants.set(grantee, granted);
      grantee.addToRolePolicy({ Sid: 'UseBucketKey', Effect: 'Allow', Action: granted, Resource: this.kmsKeyArn });
    }
    for (const action of actions) if (!granted.includes(action)) granted.push(action);
  }
}
