import { IMAGE_ERROR_CODES, ImageError, isImageError, isValidationError } from '../../../handlers/core/errors';

describe('ImageError', () => {
  it('carries its code as its name, which is what Lambda reports and the state machine matches', () => {
    const error = new ImageError('CORRUPT', 'Expected intact JPEG data, but it ends early.');
    expect(error).toMatchObject({ name: 'CORRUPT', code: 'CORRUPT', message: 'Expected intact JPEG data, but it ends early.' });
    expect(isImageError(error)).toBe(true);
    expect(isImageError(new Error('x'))).toBe(false);
  });

  it('tells verdicts on the image from failures of the system', () => {
    const verdicts = IMAGE_ERROR_CODES.filter((code) => isValidationError(new ImageError(code, '')));
    expect(verdicts).toEqual([
      'EMPTY',
      'UNSUPPORTED_FORMAT',
      'CORRUPT',
      'TOO_MANY_PIXELS',
      'TOO_LARGE',
      'TOO_MANY_FRAMES',
      'UNSUPPORTED_DIMENSIONS',
      'OBJECT_MISSING',
      'SOURCE_CHANGED',
    ]);
    expect(isValidationError(new Error('CORRUPT'))).toBe(false);
  });
});
