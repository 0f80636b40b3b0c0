/**
 * Storage: the raw and processed buckets — prefixes, names, encryption, lifecycle, browser
 * uploads — and the rules that involve more than one of them.
 */
import { choice, integer, list, optional, text } from './kinds';
import { stackNameFor } from './names';
import { BUCKET_NAME, isProd, PREFIX, STORAGE_CLASSES } from './shapes';

export const STORAGE_SETTINGS = {
  uploadsPrefix: text({ description: 'Key prefix in the raw bucket whose ObjectCreated events start a workflow.', default: 'uploads/', ...PREFIX }),
  workPrefix: text({
    description: 'Scratch prefix in the processed bucket for working images and intermediates; expired by a lifecycle rule.',
    default: '_work/',
    ...PREFIX,
  }),
  workExpirationDays: integer({ description: 'Days before scratch objects under workPrefix expire.', default: 1, min: 1, max: 365, unit: 'days' }),
  rawBucketName: optional(
    text({
      description: 'Name of the raw uploads bucket, when the default `<stack>-raw-<account id>-<region>` does not suit.',
      default: '',
      ...BUCKET_NAME,
    }),
  ),
  processedBucketName: optional(
    text({
      description: 'Name of the processed bucket, when the default `<stack>-processed-<account id>-<region>` does not suit.',
      default: '',
      ...BUCKET_NAME,
    }),
  ),
  bucketEncryption: choice(['stack-key', 'AES256'], {
    description:
      'Default encryption of both buckets: SSE-KMS with the stack’s own key (`stack-key`, rotated yearly; bucket keys keep KMS requests few) or SSE-S3 (`AES256`). bucketKmsKeyArn, when set, takes precedence.',
    default: 'stack-key',
  }),
  bucketKmsKeyArn: optional(
    text({
      description: 'A customer managed KMS key for both buckets instead of the stack key (SSE-KMS with bucket keys), in the stage’s region and account. The functions are granted this key, through S3 only.',
      default: '',
      pattern: /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
      expected: 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
    }),
  ),
  rawTransitionDays: integer({
    description: 'Days after upload before raw objects move to rawTransitionStorageClass; 0 keeps them in S3 Standard.',
    default: 30,
    min: 0,
    max: 36500,
    unit: 'days',
  }),
  rawTransitionStorageClass: choice(STORAGE_CLASSES, { description: 'Storage class raw uploads transition to.', default: 'STANDARD_IA' }),
  rawExpirationDays: integer({
    description: 'Days after upload before raw objects expire; 0 keeps them forever.',
    default: 0,
    min: 0,
    max: 36500,
    unit: 'days',
  }),
  noncurrentVersionExpirationDays: integer({
    description: 'Days before overwritten or deleted versions of uploads are removed from the (versioned) raw bucket.',
    default: 30,
    min: 1,
    max: 36500,
    unit: 'days',
  }),
  processedNoncurrentVersionExpirationDays: integer({
    description: 'Days before overwritten or deleted outputs (a failed or deleted job’s) are removed from the (versioned) processed bucket.',
    default: 1,
    min: 1,
    max: 36500,
    unit: 'days',
  }),
  accessLogsBucketName: optional(
    text({
      description: 'Name of the bucket that receives both buckets’ S3 server access logs, when the default `<stack>-logs-<account id>-<region>` does not suit.',
      default: '',
      ...BUCKET_NAME,
    }),
  ),
  accessLogRetentionDays: integer({
    description: 'Days S3 server access logs are kept in the logs bucket.',
    default: (stage) => (isProd(stage) ? 365 : 30),
    min: 1,
    max: 36500,
    unit: 'days',
  }),
  abortIncompleteMultipartUploadDays: integer({
    description: 'Days before incomplete multipart uploads are aborted in both buckets.',
    default: 7,
    min: 1,
    max: 365,
    unit: 'days',
  }),
  corsAllowedOrigins: list(
    text({
      description: '',
      default: '',
      pattern: /^(?:\*|https?:\/\/(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?)$/,
      expected: '* or an origin such as https://app.example.com',
    }),
    {
      description:
        'Origins browsers may upload from (CORS on the raw bucket; uploads still need a presigned URL). Empty: no CORS rule. Production names its origins explicitly.',
      default: (stage) => (isProd(stage) ? [] : ['*']),
    },
  ),
} as const;

type StorageSettings = { readonly [K in keyof typeof STORAGE_SETTINGS]: ReturnType<(typeof STORAGE_SETTINGS)[K]['parse']> };

/** The longest default bucket name the stage would get: `<stack>-processed-<12-digit account>-<region>`. */
function defaultBucketNameLength(stackName: string, kind: 'raw' | 'processed' | 'logs', region: string): number {
  return `${stackName}-${kind}-123456789012-${region}`.length;
}

/** Rules S3 or this stack impose across storage settings. */
export function checkStorage(stage: string, settings: StorageSettings & { readonly region: string; readonly allowedAccountIds: readonly string[] }): string[] {
  const stack = stackNameFor(stage);
  const problems: string[] = [];
  const { rawTransitionDays, rawExpirationDays, rawTransitionStorageClass } = settings;
  if (rawTransitionDays > 0 && ['STANDARD_IA', 'ONEZONE_IA'].includes(rawTransitionStorageClass) && rawTransitionDays < 30) {
    problems.push(`${stack}: expected rawTransitionDays to be at least 30 for ${rawTransitionStorageClass} (an S3 rule), but received ${rawTransitionDays}.`);
  }
  if (rawTransitionDays > 0 && rawExpirationDays > 0 && rawExpirationDays <= rawTransitionDays) {
    problems.push(`${stack}: expected rawExpirationDays (${rawExpirationDays}) to be later than rawTransitionDays (${rawTransitionDays}), or 0 to keep raw uploads.`);
  }
  if (settings.uploadsPrefix === settings.workPrefix) {
    problems.push(`${stack}: expected uploadsPrefix and workPrefix to differ, but both are ${JSON.stringify(settings.uploadsPrefix)}.`);
  }
  if (settings.rawBucketName && settings.rawBucketName === settings.processedBucketName) {
    problems.push(`${stack}: expected rawBucketName and processedBucketName to differ, but both are ${settings.rawBucketName}.`);
  }
  if (settings.bucketKmsKeyArn) {
    const [, , , keyRegion, keyAccount] = settings.bucketKmsKeyArn.split(':');
    if (keyRegion !== settings.region) {
      problems.push(`${stack}: expected bucketKmsKeyArn to be a key in the stage's region ${settings.region} (S3 uses only keys of its own region), but it is in ${keyRegion}.`);
    }
    if (settings.allowedAccountIds.length > 0 && !settings.allowedAccountIds.includes(keyAccount ?? '')) {
      problems.push(`${stack}: expected bucketKmsKeyArn to be a key of the stage's account (${settings.allowedAccountIds.join(' or ')}), but it belongs to ${keyAccount}.`);
    }
  }
  const names = { raw: settings.rawBucketName, processed: settings.processedBucketName, logs: settings.accessLogsBucketName };
  for (const kind of ['raw', 'processed', 'logs'] as const) {
    const explicit = names[kind];
    const length = defaultBucketNameLength(stack, kind, settings.region);
    if (!explicit && length > 63) {
      problems.push(
        `${stack}: the default ${kind} bucket name (${stack}-${kind}-<account id>-${settings.region}) would be ${length} characters, over S3's 63: use a shorter stage name or set ${kind === 'logs' ? 'accessLogsBucketName' : `${kind}BucketName`}.`,
      );
    }
  }
  return problems;
}

/**
 * The raw bucket's CORS rule for browser uploads (presigned POSTs, and PUTs), for the origins the
 * stage allows: the stack writes it on the bucket, and the local runner's S3 front applies it.
 */
export const BROWSER_UPLOAD_CORS = {
  id: 'browser-uploads',
  allowedMethods: ['POST', 'PUT'],
  allowedHeaders: ['*'],
  exposeHeaders: ['ETag'],
  maxAgeSeconds: 3000,
} as const;
