/**
 * Job ids double as Step Functions execution names, so a duplicated S3 event (same bucket, key
 * and version or ETag) always yields the same name and cannot start a second execution.
 * Execution names allow at most 80 characters from [A-Za-z0-9-_]; the readable prefix helps
 * people find a job in the console, the hash makes it unique.
 */
import { createHash } from 'node:crypto';

const MAX_SLUG_LENGTH = 40;
const HASH_LENGTH = 24;

export interface ObjectIdentity {
  readonly bucket: string;
  readonly key: string;
  /** The S3 version id, or the ETag when the bucket is not versioned. */
  readonly revision: string;
}

export function deriveJobId({ bucket, key, revision }: ObjectIdentity): string {
  const hash = createHash('sha256').update(`${bucket}\n${key}\n${revision}`).digest('hex').slice(0, HASH_LENGTH);
  const fileName = key.slice(key.lastIndexOf('/') + 1);
  const slug = fileName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
  return slug ? `${slug}-${hash}` : hash;
}
