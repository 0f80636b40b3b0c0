/**
 * The bucket that receives S3 server access logs: who read, wrote or deleted which object, for
 * audits and incident reviews. S3's log delivery may write only under the prefix of each source
 * bucket, and only for that bucket in this account. Logs are encrypted with SSE-S3 — log delivery
 * cannot write to a bucket whose default encryption is SSE-KMS — and expire.
 */
import type { Construct } from 'constructs';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLoggingA as S3BucketLogging } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { SecureBucket } from '../shared/secure-bucket';

export interface AccessLogBucketProps {
  readonly bucketName: string;
  /** The account whose buckets log here: S3's log delivery may write only for it. */
  readonly accountId: string;
  /** Days logs are kept. @default 365 */
  readonly retentionDays?: number;
  /** Lets `destroy` delete the bucket with its logs. @default false */
  readonly forceDestroy?: boolean;
  /** Terraform refuses to destroy the bucket. @default true */
  readonly preventDestroy?: boolean;
}

export class AccessLogBucket extends SecureBucket {
  private readonly accountId: string;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id, {
      bucketName: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      preventDestroy: props.preventDestroy ?? true,
      lifecycleRules: [
        {
          id: 'expire-logs',
          status: 'Enabled',
          filter: [{}],
          expiration: [{ days: props.retentionDays ?? 365 }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    this.accountId = props.accountId;
  }

  /** Sends `source`'s access logs here, under `<prefix>/`. */
  logBucket(id: string, source: S3Bucket, prefix: string): void {
    new S3BucketLogging(this, id, { bucket: source.id, targetBucket: this.bucket.id, targetPrefix: `${prefix}/` });
    this.addToPolicy({
      Sid: `DeliverAccessLogsOf${prefix.replace(/(?:^|-)([a-z])/g, (_match, letter: string) => letter.toUpperCase())}`,
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${this.bucket.arn}/${prefix}/*`,
      Condition: { ArnEquals: { 'aws:SourceArn': source.arn }, StringEquals: { 'aws:SourceAccount': this.accountId } },
    });
  }
}
