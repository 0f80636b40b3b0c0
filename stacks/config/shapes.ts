/** Value shapes more than one setting shares. */

/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const STORAGE_CLASSES = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;

export const PREFIX = {
  pattern: /^(?:[A-Za-z0-9!_.*'()-]+\/)+$/,
  expected: "a key prefix of safe characters (letters, digits, !_.*'()-) ending with / and not starting with /",
  maxLength: 256,
} as const;

export const BUCKET_NAME = {
  pattern: /^(?!xn--|sthree-|amzn-s3-demo-)(?!.*(?:-s3alias|--ol-s3|--x-s3|--table-s3)$)[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/,
  expected: 'an S3 bucket name: 3–63 lowercase letters, digits and hyphens, starting and ending with a letter or digit',
} as const;

export const EMAIL = {
  pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  expected: 'an e-mail address',
} as const;

export const REGION = {
  pattern: /^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d$/,
  expected: 'an AWS region name such as us-east-1',
} as const;

/** Stage-dependent defaults: the `prod` stage keeps data and logs and allows no browser origin. */
export const isProd = (stage: string): boolean => stage === 'prod';
