import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { DEFAULT_PRESET } from '../../../handlers/core/preset';
import { limitsFromEnv, presetFromEnv } from '../../../handlers/runtime/image-settings';

describe('presetFromEnv', () => {
  it('falls back to the default preset', () => {
    expect(presetFromEnv({})).toBe(DEFAULT_PRESET);
  });

  it('parses IMAGE_PRESET once per distinct value', () => {
    const json = JSON.stringify({ name: 'tiny', renditions: [{ name: 'small', width: 100 }], formats: [{ format: 'webp', quality: 70 }] });
    const first = presetFromEnv({ IMAGE_PRESET: json });
    expect(first.renditions).toEqual([{ name: 'small', width: 100 }]);
    expect(presetFromEnv({ IMAGE_PRESET: json })).toBe(first);
  });

  it('says when IMAGE_PRESET is not JSON or not a valid preset', () => {
    expect(() => presetFromEnv({ IMAGE_PRESET: '{name:' })).toThrow(expect.objectContaining({ code: 'INVALID_PRESET', message: expect.stringContaining('does not parse') }));
    expect(() => presetFromEnv({ IMAGE_PRESET: '{"name":"x"}' })).toThrow(expect.objectContaining({ code: 'INVALID_PRESET' }));
  });
});

describe('limitsFromEnv', () => {
  it('keeps each default that is not set', () => {
    expect(limitsFromEnv({})).toEqual(DEFAULT_LIMITS);
    expect(limitsFromEnv({ MAX_INPUT_PIXELS: '2000000' })).toEqual({ ...DEFAULT_LIMITS, maxPixels: 2_000_000 });
  });

  it('names the bad value it received', () => {
    expect(() => limitsFromEnv({ MAX_INPUT_BYTES: 'lots' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('lots') }));
  });
});
