import { closestName, didYouMean } from '../../../handlers/core/suggest';

describe('closestName', () => {
  it('finds a name one or two edits away', () => {
    expect(closestName('qualty', ['quality', 'effort', 'lossless'])).toBe('quality');
    expect(closestName('efort', ['quality', 'effort'])).toBe('effort');
  });

  it('ignores case', () => {
    expect(closestName('LOGRETENTIONDAYS', ['logRetentionDays', 'region'])).toBe('logRetentionDays');
  });

  it('prefers the closest of several candidates', () => {
    expect(closestName('widht', ['width', 'widths', 'height'])).toBe('width');
    expect(closestName('with', ['widths', 'width'])).toBe('width');
  });

  it('finds nothing when every candidate is three or more edits away', () => {
    expect(closestName('colour', ['quality', 'effort'])).toBeUndefined();
    expect(closestName('anything', [])).toBeUndefined();
  });
});

describe('didYouMean', () => {
  it('phrases the suggestion, or says nothing', () => {
    expect(didYouMean('regoin', ['region'])).toBe(' (did you mean region?)');
    expect(didYouMean('xyz', ['region'])).toBe('');
  });
});
