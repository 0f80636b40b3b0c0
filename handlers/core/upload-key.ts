/**
 * Where an upload made through the API lives in the raw bucket, and how its key names it:
 * `<uploads prefix><owner>/<uploadId>/<safe name>`. The key is what S3's event carries, so it is
 * how start-workflow links the job it creates to the upload the API recorded — with no lookup.
 * Kept free of sharp and the AWS SDK: the API and start-workflow both import it.
 */
import { randomBytes } from 'node:crypto';

/** The media types an upload may declare: the formats the pipeline always accepts (handlers/core/format.ts). */
export const UPLOAD_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/avif'] as const;

export type UploadMediaType = (typeof UPLOAD_MEDIA_TYPES)[number];

export function isUploadMediaType(value: string): value is UploadMediaType {
  return (UPLOAD_MEDIA_TYPES as readonly string[]).includes(value);
}

/** Owner names: what a token belongs to, and a path segment of every key the owner uploads. */
export const OWNER_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const OWNER_RULE = '1 to 63 lowercase letters, digits, dots, underscores or hyphens, starting with a letter or digit';

/** Album names, as an upload may carry one (and the reprocess command names one). */
export const ALBUM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
export const ALBUM_RULE = 'an album name of 1 to 64 letters, digits, spaces, dots, underscores or hyphens, starting with a letter or digit';

/** Upload ids: 22 characters of base64url (128 random bits). */
export const UPLOAD_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function newUploadId(): string {
  return randomBytes(16).toString('base64url');
}

const MAX_NAME_LENGTH = 100;

/**
 * A file name reduced to characters that are safe in a key and in a URL: letters, digits, `.`,
 * `_` and `-`, no leading dot, at most 100 characters, never empty.
 */
export function safeFileName(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const cleaned = base
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .replace(/-{2,}/g, '-');
  const trimmed = cleaned.length > MAX_NAME_LENGTH ? cleaned.slice(cleaned.length - MAX_NAME_LENGTH) : cleaned;
  return trimmed || 'upload';
}

export interface UploadKeyParts {
  readonly owner: string;
  readonly uploadId: string;
  readonly fileName: string;
}

export function uploadKey(prefix: string, parts: UploadKeyParts): string {
  return `${prefix}${parts.owner}/${parts.uploadId}/${safeFileName(parts.fileName)}`;
}

/** The owner and upload id a key names, or undefined for a key the API did not hand out (an `aws s3 cp` by hand). */
export function parseUploadKey(prefix: string, key: string): UploadKeyParts | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const [owner, uploadId, fileName, ...rest] = key.slice(prefix.length).split('/');
  if (rest.length > 0 || !owner || !uploadId || !fileName) return undefined;
  if (!OWNER_PATTERN.test(owner) || !UPLOAD_ID_PATTERN.test(uploadId)) return undefined;
  return { owner, uploadId, fileName };
}
