import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { DEFAULT_PRESET } from '../../../handlers/core/preset';
import { limitsFrom, presetFromJson } from '../../../handlers/runtime/image-settings';

describe('presetFromJson', () => {
  it('falls back to the default preset', () => {
    expect(presetFromJson(undefined)).toBe(DEFAULT_PRESET);
  });

  it('parses a preset once per distinct text', () => {
    const json = JSON.stringify({ name: 'tiny', renditions: [{ name: 'small', width: 100 }], formats: [{ format: 'webp', quality: 70 }] });
    const first = presetFromJson(json);
    expect(first.renditions).toEqual([{ name: 'small', width: 100 }]);
    expect(presetFromJson(json)).toBe(first);
  });

  it('says when IMAGE_PRESET is not JSON or not a valid preset', () => {
    expect(() => presetFromJson('{name:')).toThrow(expect.objectContaining({ code: 'INVALID_PRESET', message: expect.stringContaining('does not parse') }));
    expect(() => presetFromJson('{"name":"x"}')).toThrow(expect.objectContaining({ code: 'INVALID_PRESET' }));
  });
});

describe('limitsFrom', () => {
  it('keeps each default that is not set', () => {
    const unset = { maxInputBytes: undefined, maxInputPixels: undefined, maxInputFrames: undefined };
    expect(limitsFrom(unset)).toEqual(DEFAULT_LIMITS);
    expect(limitsFrom({ ...unset, maxInputPixels: 2_000_000 })).toEqual({ ...DEFAULT_LIMITS, maxPixels: 2_000_000 });
  });
});
