import { deriveJobId } from '../../../handlers/core/job-id';

const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

describe('deriveJobId', () => {
  const identity = { bucket: 'raw-uploads', key: 'uploads/Holiday Photo (1).JPG', revision: 'v1' };

  it('is the same for the same object revision, so a duplicated event names the same execution', () => {
    expect(deriveJobId(identity)).toBe(deriveJobId({ ...identity }));
  });

  it('differs when the bucket, key or revision differs', () => {
    const ids = new Set([
      deriveJobId(identity),
      deriveJobId({ ...identity, bucket: 'other-bucket' }),
      deriveJobId({ ...identity, key: 'uploads/other.jpg' }),
      deriveJobId({ ...identity, revision: 'v2' }),
    ]);
    expect(ids.size).toBe(4);
  });

  it('starts with a readable slug of the file name', () => {
    expect(deriveJobId(identity)).toMatch(/^holiday-photo-1-jpg-[0-9a-f]{24}$/);
  });

  it.each([
    ['a very long name', `uploads/${'x'.repeat(500)}.jpg`],
    ['no usable characters', 'uploads/日本語.jpg'],
    ['a trailing slash', 'uploads/'],
  ])('is a valid execution name for %s', (_, key) => {
    expect(deriveJobId({ ...identity, key })).toMatch(EXECUTION_NAME);
  });
});
