/**
 * The functions' settings, read from the environment the infrastructure sets (and the local
 * runner sets the same way). The image settings (preset, limits) are in `image-settings.ts`,
 * apart, so that functions which never touch pixels do not bundle sharp.
 */
import { CodedError } from '../core/errors';
import type { WorkArea } from '../steps/working-images';

export type Environment = Readonly<Record<string, string | undefined>>;

const DEFAULT_WORK_PREFIX = '_work/';
const DEFAULT_UPLOADS_PREFIX = 'uploads/';

export function requireEnv(name: string, env: Environment = process.env): string {
  const value = env[name];
  if (!value) {
    throw new CodedError('INTERNAL', `Expected the environment variable ${name} to be set, but it is ${value === '' ? 'empty' : 'missing'}.`);
  }
  return value;
}

export function workArea(env: Environment = process.env): WorkArea {
  return { bucket: requireEnv('PROCESSED_BUCKET', env), prefix: env.WORK_PREFIX || DEFAULT_WORK_PREFIX };
}

export function uploadsPrefix(env: Environment = process.env): string {
  return env.UPLOADS_PREFIX ?? DEFAULT_UPLOADS_PREFIX;
}

export function jobTtlDays(env: Environment = process.env): number | undefined {
  const value = env.JOB_TTL_DAYS;
  if (value === undefined || value === '') return undefined;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1) {
    throw new CodedError('INTERNAL', `Expected JOB_TTL_DAYS to be a whole number of days of at least 1, but it is "${value}".`);
  }
  return days;
}
