/**
 * The functions' settings, read from the environment the infrastructure sets (and the local
 * runner sets the same way). Each value is parsed once per distinct environment value, so a
 * warm Lambda pays nothing and a process that changes its environment still sees the change.
 */
import { ImageError } from '../core/errors';
import { parseLimits, type Limits } from '../core/limits';
import { DEFAULT_PRESET, parsePreset, type Preset } from '../core/preset';
import type { WorkArea } from '../steps/working-images';

type Environment = Readonly<Record<string, string | undefined>>;

const DEFAULT_WORK_PREFIX = '_work/';
const DEFAULT_UPLOADS_PREFIX = 'uploads/';

export function requireEnv(name: string, env: Environment = process.env): string {
  const value = env[name];
  if (!value) {
    throw new ImageError('INTERNAL', `Expected the environment variable ${name} to be set, but it is ${value === '' ? 'empty' : 'missing'}.`);
  }
  return value;
}

export function workArea(env: Environment = process.env): WorkArea {
  return { bucket: requireEnv('PROCESSED_BUCKET', env), prefix: env.WORK_PREFIX || DEFAULT_WORK_PREFIX };
}

export function uploadsPrefix(env: Environment = process.env): string {
  return env.UPLOADS_PREFIX ?? DEFAULT_UPLOADS_PREFIX;
}

const presets = new Map<string, Preset>();

/** `IMAGE_PRESET` holds a preset as JSON; without it the default preset applies. */
export function presetFromEnv(env: Environment = process.env): Preset {
  const json = env.IMAGE_PRESET;
  if (!json) return DEFAULT_PRESET;
  let preset = presets.get(json);
  if (!preset) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new ImageError('INVALID_PRESET', `Expected IMAGE_PRESET to hold a JSON preset, but it does not parse: ${(error as Error).message}`);
    }
    preset = parsePreset(parsed);
    presets.set(json, preset);
  }
  return preset;
}

/** `MAX_INPUT_BYTES`, `MAX_INPUT_PIXELS`, `MAX_INPUT_FRAMES`; each unset one keeps its default. */
export function limitsFromEnv(env: Environment = process.env): Limits {
  const read = (name: string) => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    return /^\d+$/.test(value) ? Number(value) : value;
  };
  return parseLimits({
    maxBytes: read('MAX_INPUT_BYTES'),
    maxPixels: read('MAX_INPUT_PIXELS'),
    maxFrames: read('MAX_INPUT_FRAMES'),
  });
}

export function jobTtlDays(env: Environment = process.env): number | undefined {
  const value = env.JOB_TTL_DAYS;
  if (value === undefined || value === '') return undefined;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1) {
    throw new ImageError('INTERNAL', `Expected JOB_TTL_DAYS to be a whole number of days of at least 1, but it is "${value}".`);
  }
  return days;
}
