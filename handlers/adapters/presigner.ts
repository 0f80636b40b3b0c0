/**
 * Presigned S3 requests: a POST form for one upload, whose policy pins the key, the content type,
 * the size range and the expiry (S3 refuses a form that breaks any of them), and short-lived GET
 * URLs for outputs. Signing is local computation over the injected client's credentials; S3 checks
 * the signer's own rights when the request arrives, so the signer needs PutObject and GetObject.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { toAdapterError } from './aws-errors';

export interface PresignedUpload {
  readonly url: string;
  readonly fields: Record<string, string>;
}

export interface UploadPolicy {
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
  readonly maxBytes: number;
  readonly expiresSeconds: number;
}

/** s3-presigned-post is released against its own copy of the S3 client; the two differ only in private members. */
type PresignedPostClient = Parameters<typeof createPresignedPost>[0];

export class S3Presigner {
  constructor(private readonly client: S3Client) {}

  async upload(policy: UploadPolicy): Promise<PresignedUpload> {
    try {
      return await createPresignedPost(this.client as unknown as PresignedPostClient, {
        Bucket: policy.bucket,
        Key: policy.key,
        Fields: { 'Content-Type': policy.contentType },
        Conditions: [
          ['eq', '$Content-Type', policy.contentType],
          ['content-length-range', 1, policy.maxBytes],
        ],
        Expires: policy.expiresSeconds,
      });
    } catch (error) {
      throw toAdapterError('S3 presigned POST', error);
    }
  }

  async download(bucket: string, key: string, expiresSeconds: number): Promise<string> {
    try {
      return await getSignedUrl(this.client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresSeconds });
    } catch (error) {
      throw toAdapterError('S3 presigned GET', error);
    }
  }
}
