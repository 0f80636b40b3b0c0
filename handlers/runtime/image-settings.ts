/**
 * The image settings of the entrypoints that touch pixels: the preset (JSON text from
 * `IMAGE_PRESET`) and the input limits. Kept apart from env.ts because the preset parser is only
 * for image steps: the other functions' bundles stay without it. A preset is parsed once per
 * distinct text, so a warm Lambda pays nothing and a process whose environment changes still
 * sees the change.
 */
import { CodedError } from '../core/errors';
import { parseLimits, type Limits } from '../core/limits';
import { DEFAULT_PRESET, parsePreset, type Preset } from '../core/preset';

const presets = new Map<string, Preset>();

/** The preset `json` holds; the default preset when there is none. */
export function presetFromJson(json: string | undefined): Preset {
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

/** The input limits, each unset one at its default. */
export function limitsFrom(settings: {
  readonly maxInputBytes: number | undefined;
  readonly maxInputPixels: number | undefined;
  readonly maxInputFrames: number | undefined;
}): Limits {
  return parseLimits({ maxBytes: settings.maxInputBytes, maxPixels: settings.maxInputPixels, maxFrames: settings.maxInputFrames });
}
