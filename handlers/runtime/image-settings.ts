/**
 * The image settings of the functions that touch pixels: the preset (`IMAGE_PRESET`, JSON) and
 * the input limits (`MAX_INPUT_BYTES`, `MAX_INPUT_PIXELS`, `MAX_INPUT_FRAMES`). A preset is parsed
 * once per distinct value, so a warm Lambda pays nothing and a process that changes its
 * environment still sees the change.
 */
import { CodedError } from '../core/errors';
import { parseLimits, type Limits } from '../core/limits';
import { DEFAULT_PRESET, parsePreset, type Preset } from '../core/preset';
import type { Environment } from './runtime-config';

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
      throw new CodedError('INVALID_PRESET', `Expected IMAGE_PRESET to hold a JSON preset, but it does not parse: ${(error as Error).message}`);
    }
    preset = parsePreset(parsed);
    presets.set(json, preset);
  }
  return preset;
}

/** `MAX_INPUT_BYTES`, `MAX_INPUT_PIXELS`, `MAX_INPUT_FRAMES`; each unset one keeps its default. */
export function limitsFromEnv(env: Environment = process.env): Limits {
  const read = (name: string) => (env[name] === '' ? undefined : env[name]);
  return parseLimits({
    maxBytes: read('MAX_INPUT_BYTES'),
    maxPixels: read('MAX_INPUT_PIXELS'),
    maxFrames: read('MAX_INPUT_FRAMES'),
  });
}
