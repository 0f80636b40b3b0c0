/**
 * The raw uploads bucket and the processed bucket, each a {@link SecureBucket} cleaned up by
 * lifecycle rules and logging its access to a logs bucket; uploads under the uploads prefix notify
 * start-workflow. Built without optional props it is the production shape: no browser origin,
 * nothing force-destroyed, Terraform refusing to destroy the buckets.
 */
import { BROWSER_UPLOAD_CORS } from '../../config/storage';
import { Construct } from 'constructs';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import type { S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import type { AccessNeeds } from '../../../handlers/runtime/manifest';
import type { Grantable } from '../shared/iam';
import { SecureBucket } from '../shared/secure-bucket';
import { AccessLogBucket } from './access-logs';

export interface ImageStorageProps {
  /** Name of the raw uploads bucket. */
  readonly rawBucketName: string;
  /** Name of the processed bucket. */
  readonly processedBucketName: string;
  /** Name of the bucket the other two write their S3 server access logs to. */
  readonly accessLogsBucketName: string;
  /** The account that owns the buckets: S3's notification permission and log delivery are scoped to it. */
  readonly accountId: string;
  /** The buckets' region: functions may use a KMS key only through S3 there. */
  readonly region: string;
  /** Uploads under this prefix start a workflow. @default 'uploads/' */
  readonly uploadsPrefix?: string;
  /** Scratch prefix in the processed bucket. @default '_work/' */
  readonly workPrefix?: string;
  /** Days before scratch objects expire. @default 1 */
  readonly workExpirationDays?: number;
  /** KMS key for SSE-KMS (with S3 bucket keys); the stack passes its own key. @default SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
  /** Days before raw uploads transition; 0 disables the transition. @default 30 */
  readonly rawTransitionDays?: number;
  /** @default 'STANDARD_IA' */
  readonly rawTransitionStorageClass?: string;
  /** Days before raw uploads expire; 0 keeps them. @default 0 */
  readonly rawExpirationDays?: number;
  /** Days before noncurrent versions of uploads are removed from the raw bucket. @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Days before noncurrent versions (a failed or deleted job's outputs) are removed from the processed bucket. @default 1 */
  readonly processedNoncurrentVersionExpirationDays?: number;
  /** Days access logs are kept. @default 365 */
  readonly accessLogRetentionDays?: number;
  /** Days before incomplete multipart uploads are aborted (both buckets). @default 7 */
  readonly abortIncompleteMultipartUploadDays?: number;
  /** Origins allowed to upload from a browser; empty means no CORS rule. @default [] (no browser origin) */
  readonly corsAllowedOrigins?: readonly string[];
  /** Lets `destroy` delete non-empty buckets. @default false */
  readonly forceDestroy?: boolean;
  /** Terraform refuses to destroy the buckets (`lifecycle.prevent_destroy`). @default true */
  readonly preventDestroy?: boolean;
}

const OBJECT_ACTIONS = {
  read: ['s3:GetObject'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload'],
  delete: ['s3:DeleteObject'],
} as const;

export class ImageStorage extends Construct {
  readonly rawBucket: S3Bucket;
  readonly processedBucket: S3Bucket;
  readonly uploadsPrefix: string;
  readonly workPrefix: string;
  readonly kmsKeyArn: string | undefined;
  readonly accessLogs: AccessLogBucket;
  private readonly accountId: string;
  private readonly region: string;
  private readonly kmsGrants = new Map<Grantable, { readonly actions: string[]; readonly buckets: Set<S3Bucket>; readonly arns: string[] }>();

  constructor(scope: Construct, id: string, props: ImageStorageProps) {
    super(scope, id);
    this.uploadsPrefix = props.uploadsPrefix ?? 'uploads/';
    this.workPrefix = props.workPrefix ?? '_work/';
    this.kmsKeyArn = props.kmsKeyArn;
    this.accountId = props.accountId;
    this.region = props.region;
    const workExpirationDays = props.workExpirationDays ?? 1;
    const rawTransitionDays = props.rawTransitionDays ?? 30;
    const rawExpirationDays = props.rawExpirationDays ?? 0;
    const forceDestroy = props.forceDestroy ?? false;
    const preventDestroy = props.preventDestroy ?? true;

    const cleanUp = (noncurrentDays: number): S3BucketLifecycleConfigurationRule => ({
      id: 'clean-up',
      status: 'Enabled',
      filter: [{}],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortIncompleteMultipartUploadDays ?? 7 }],
      noncurrentVersionExpiration: [{ noncurrentDays }],
      expiration: [{ expiredObjectDeleteMarker: true }],
    });
    const rawRules: S3BucketLifecycleConfigurationRule[] = [cleanUp(props.noncurrentVersionExpirationDays ?? 30)];
    if (rawTransitionDays > 0 || rawExpirationDays > 0) {
      rawRules.push({
        id: 'raw-uploads',
        status: 'Enabled',
        filter: [{ prefix: this.uploadsPrefix }],
        ...(rawTransitionDays > 0
          ? { transition: [{ days: rawTransitionDays, storageClass: props.rawTransitionStorageClass ?? 'STANDARD_IA' }] }
          : {}),
        ...(rawExpirationDays > 0 ? { expiration: [{ days: rawExpirationDays }] } : {}),
      });
    }

    const raw = new SecureBucket(this, 'raw', {
      bucketName: props.rawBucketName,
      forceDestroy,
      preventDestroy,
      lifecycleRules: rawRules,
      ...(props.kmsKeyArn ? { kmsKeyArn: props.kmsKeyArn } : {}),
    });
    const processed = new SecureBucket(this, 'processed', {
      bucketName: props.processedBucketName,
      forceDestroy,
      preventDestroy,
      lifecycleRules: [
        cleanUp(props.processedNoncurrentVersionExpirationDays ?? 1),
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
    this.accessLogs = new AccessLogBucket(this, 'access_logs', {
      bucketName: props.accessLogsBucketName,
      accountId: props.accountId,
      forceDestroy,
      preventDestroy,
      ...(props.accessLogRetentionDays ? { retentionDays: props.accessLogRetentionDays } : {}),
    });
    this.accessLogs.logBucket('raw_logging', this.rawBucket, 'raw');
    this.accessLogs.logBucket('processed_logging', this.processedBucket, 'processed');

    const corsOrigins = props.corsAllowedOrigins ?? [];
    if (corsOrigins.length > 0) {
      new S3BucketCorsConfiguration(this, 'raw_cors', {
        bucket: this.rawBucket.id,
        corsRule: [
          {
            id: BROWSER_UPLOAD_CORS.id,
            allowedMethods: [...BROWSER_UPLOAD_CORS.allowedMethods],
            allowedOrigins: [...corsOrigins],
            allowedHeaders: [...BROWSER_UPLOAD_CORS.allowedHeaders],
            exposeHeaders: [...BROWSER_UPLOAD_CORS.exposeHeaders],
            maxAgeSeconds: BROWSER_UPLOAD_CORS.maxAgeSeconds,
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

  /**
   * Uploads under the uploads prefix of the raw bucket: reading them (any version), signing
   * presigned POSTs of them (S3 checks the signer's right to PutObject when the form arrives),
   * deleting them (a delete marker; the noncurrent version expires by the lifecycle rule).
   */
  grantUploads(grantee: Grantable, access: NonNullable<AccessNeeds['uploads']>): void {
    const uploads = `${this.rawBucket.arn}/${this.uploadsPrefix}*`;
    for (const kind of access) {
      if (kind === 'read') {
        grantee.addToRolePolicy({ Sid: 'ReadUploads', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: uploads });
        // Without ListBucket on the bucket, S3 answers a missing key with 403, not 404, and the job
        // would fail as INTERNAL instead of OBJECT_MISSING. S3 checks it for the bucket as a whole (no
        // prefix in that check), and the raw bucket holds only uploads this function may read anyway.
        grantee.addToRolePolicy({ Sid: 'ListUploads', Effect: 'Allow', Action: 's3:ListBucket', Resource: this.rawBucket.arn });
        this.grantKms(grantee, this.rawBucket, ['kms:Decrypt']);
      } else if (kind === 'presign') {
        grantee.addToRolePolicy({ Sid: 'PresignUploads', Effect: 'Allow', Action: 's3:PutObject', Resource: uploads });
        this.grantKms(grantee, this.rawBucket, ['kms:GenerateDataKey']);
      } else {
        grantee.addToRolePolicy({ Sid: 'DeleteUploads', Effect: 'Allow', Action: 's3:DeleteObject', Resource: uploads });
      }
    }
  }

  /**
   * The scratch area (`<processed>/_work/*`). Writing includes aborting a multipart upload: large
   * objects go up in parts, and a failed upload is aborted. Listing is limited to the scratch
   * prefix (`s3:prefix`): deleting a job's scratch objects lists them first.
   */
  grantWorkArea(grantee: Grantable, access: NonNullable<AccessNeeds['work']>): void {
    const objectActions = access.flatMap((kind) => (kind === 'list' ? [] : OBJECT_ACTIONS[kind]));
    if (objectActions.length > 0) {
      grantee.addToRolePolicy({ Sid: 'WorkArea', Effect: 'Allow', Action: objectActions, Resource: `${this.processedBucket.arn}/${this.workPrefix}*` });
    }
    if (access.includes('list')) {
      grantee.addToRolePolicy({
        Sid: 'ListWorkArea',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: this.processedBucket.arn,
        Condition: { StringLike: { 's3:prefix': `${this.workPrefix}*` } },
      });
    }
    if (access.includes('read')) this.grantKms(grantee, this.processedBucket, ['kms:Decrypt']);
    if (access.includes('write')) this.grantKms(grantee, this.processedBucket, ['kms:Decrypt', 'kms:GenerateDataKey']);
  }

  /**
   * The processed bucket as a whole: writing outputs (in parts when large), and listing and
   * deleting anything in it, which removing a failed job's partial outputs and scratch needs.
   */
  grantOutputs(grantee: Grantable, access: NonNullable<AccessNeeds['outputs']>): void {
    for (const kind of access) {
      if (kind === 'write') {
        grantee.addToRolePolicy({ Sid: 'WriteOutputs', Effect: 'Allow', Action: OBJECT_ACTIONS.write, Resource: `${this.processedBucket.arn}/*` });
        this.grantKms(grantee, this.processedBucket, ['kms:Decrypt', 'kms:GenerateDataKey']);
      } else if (kind === 'read') {
        // Also what a presigned GET of an output needs: S3 checks the signer's rights when it is used.
        grantee.addToRolePolicy({ Sid: 'ReadOutputs', Effect: 'Allow', Action: 's3:GetObject', Resource: `${this.processedBucket.arn}/*` });
        this.grantKms(grantee, this.processedBucket, ['kms:Decrypt']);
      } else if (kind === 'list') {
        grantee.addToRolePolicy({ Sid: 'ListOutputs', Effect: 'Allow', Action: 's3:ListBucket', Resource: this.processedBucket.arn });
      } else {
        grantee.addToRolePolicy({ Sid: 'DeleteOutputs', Effect: 'Allow', Action: OBJECT_ACTIONS.delete, Resource: `${this.processedBucket.arn}/*` });
      }
    }
  }

  /**
   * With SSE-KMS, reading needs kms:Decrypt and writing kms:GenerateDataKey on the bucket key — and
   * only S3 may use it on the grantee's behalf, only for these buckets' objects: one statement per
   * grantee, its actions and buckets growing with its grants (policies render at synth).
   */
  private grantKms(grantee: Grantable, bucket: S3Bucket, actions: readonly string[]): void {
    if (!this.kmsKeyArn) return;
    let granted = this.kmsGrants.get(grantee);
    if (!granted) {
      granted = { actions: [], buckets: new Set(), arns: [] };
      this.kmsGrants.set(grantee, granted);
      grantee.addToRolePolicy({
        Sid: 'UseBucketKey',
        Effect: 'Allow',
        Action: granted.actions,
        Resource: this.kmsKeyArn,
        Condition: {
          StringEquals: { 'kms:ViaService': `s3.${this.region}.amazonaws.com` },
          // With S3 bucket keys the encryption context is the bucket's ARN; without, the object's.
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': granted.arns },
        },
      });
    }
    for (const action of actions) if (!granted.actions.includes(action)) granted.actions.push(action);
    if (!granted.buckets.has(bucket)) {
      granted.buckets.add(bucket);
      granted.arns.push(bucket.arn, `${bucket.arn}/*`);
    }
  }
}
