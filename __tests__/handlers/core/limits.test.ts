import { DEFAULT_LIMITS, parseLimits } from '../../../handlers/core/limits';
import { expectCodedError } from '../../fixtures/expect-error';

describe('DEFAULT_LIMITS', () => {
  it('is 50 MiB, 100 megapixels and 1000 frames', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxBytes: 52_428_800, maxPixels: 100_000_000, maxFrames: 1000 });
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
  });
});

describe('parseLimits', () => {
  it('fills every missing field from the defaults', () => {
    expect(parseLimits({})).toEqual(DEFAULT_LIMITS);
    expect(parseLimits({ maxPixels: 5000 })).toEqual({ ...DEFAULT_LIMITS, maxPixels: 5000 });
    expect(parseLimits({ maxBytes: undefined, maxFrames: 1 })).toEqual({ ...DEFAULT_LIMITS, maxFrames: 1 });
  });

  it('accepts decimal strings, as environment variables and flags provide them', () => {
    expect(parseLimits({ maxBytes: '1024', maxPixels: ' 20 ' })).toEqual({ ...DEFAULT_LIMITS, maxBytes: 1024, maxPixels: 20 });
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(parseLimits({ maxFrames: 3 }))).toBe(true);
  });

  it.each([
    ['zero', 0, '0'],
    ['negative', -5, '-5'],
    ['fractional', 1.5, '1.5'],
    ['NaN', Number.NaN, 'NaN'],
    ['infinite', Number.POSITIVE_INFINITY, 'Infinity'],
    ['beyond safe integers', 2 ** 60, String(2 ** 60)],
    ['a word', 'lots', '"lots"'],
    ['a negative string', '-3', '"-3"'],
    ['null', null, 'null'],
    ['a boolean', true, 'true'],
    ['an object', {}, 'an object'],
  ])('rejects %s with a sentence naming the field, the expectation and the value', async (_label, value, shown) => {
    const error = await expectCodedError(() => parseLimits({ maxPixels: value }), 'INVALID_INPUT');
    expect(error.message).toContain('maxPixels');
    expect(error.message).toContain('positive integer');
    expect(error.message).toContain(shown);
  });

  it('rejects unknown names, which are usually typos', async () => {
    const error = await expectCodedError(
      () => parseLimits({ maxPixel: 5 } as unknown as Partial<Record<'maxPixels', unknown>>),
      'INVALID_INPUT',
    );
    expect(error.message).toContain('"maxPixel"');
    expect(error.message).toContain('maxPixels');
  });

  it('rejects something that is not an object', async () => {
    await expectCodedError(() => parseLimits(null as unknown as Record<string, unknown>), 'INVALID_INPUT');
    await expectCodedError(() => parseLimits([] as unknown as Record<string, unknown>), 'INVALID_INPUT');
  });
});
