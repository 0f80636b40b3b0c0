import * as v from 'valibot';
import { FILTER_SCHEMA, filterLabel } from '../../../handlers/core/filter-spec';
import { DEFAULT_PRESET_JSON, parsePreset } from '../../../handlers/core/preset';
import { expectCodedError } from '../../fixtures/expect-error';

/** The message for the default preset with `filter` as its variant's only filter. */
async function rejection(filter: unknown): Promise<string> {
  const json = structuredClone(DEFAULT_PRESET_JSON) as { variants: { filters: unknown[] }[] };
  json.variants[0]!.filters = [filter];
  return (await expectCodedError(() => parsePreset(json), 'INVALID_PRESET')).message;
}

const AT = 'Invalid preset at $.variants[0].filters[0]';

describe('FILTER_SCHEMA', () => {
  it('accepts every allow-listed filter with valid parameters', () => {
    expect(v.parse(FILTER_SCHEMA, { name: 'blur', sigma: 0.3 })).toEqual({ name: 'blur', sigma: 0.3 });
    expect(v.parse(FILTER_SCHEMA, { name: 'sharpen' })).toEqual({ name: 'sharpen' });
    expect(v.parse(FILTER_SCHEMA, { name: 'sharpen', sigma: 2 })).toEqual({ name: 'sharpen', sigma: 2 });
    expect(v.parse(FILTER_SCHEMA, { name: 'tint', color: '#A0b1C2' })).toEqual({ name: 'tint', color: '#A0b1C2' });
  });

  it.each([
    [{ name: 'blur', sigma: 1001 }, `${AT}.sigma: expected a number from 0.3 to 1000, but received 1001.`],
    [{ name: 'sharpen', sigma: 'big' }, `${AT}.sigma: expected a number from 0.3 to 100, but received "big".`],
    [{ name: 'tint', color: '#fff' }, `${AT}.color: expected a colour written as "#rrggbb", such as "#704214", but received "#fff".`],
    [{ name: 'tint' }, `${AT}.color: expected a colour such as "#704214", but received nothing (the value is missing).`],
    [{ name: 'Grayscale' }, `${AT}.name: expected one of "grayscale", "sepia", "blur", "sharpen", "tint", "negate" or "normalize", but received "Grayscale".`],
    ['grayscale', `${AT}: expected a filter object such as {"name":"grayscale"}, but received "grayscale".`],
    [{ name: 'blur', sigma: 2, radius: 3 }, `${AT}: "radius" is not a property of the "blur" filter; expected only the properties "name" and "sigma".`],
  ])('rejects %j', async (json, message) => {
    expect(await rejection(json)).toBe(message);
  });

  it('reports a misspelt parameter as such, not as the one it meant being missing', async () => {
    expect(await rejection({ name: 'blur', sigm: 2 })).toBe(
      `${AT}: "sigm" is not a property of the "blur" filter (did you mean "sigma"?); expected only the properties "name" and "sigma".`,
    );
  });

  it('labels a filter by its name', () => {
    expect(filterLabel({ name: 'blur', sigma: 3 })).toBe('blur');
  });
});
