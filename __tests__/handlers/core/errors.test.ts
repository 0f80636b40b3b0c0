import { ERROR_CODES, CodedError, isCodedError, isValidationError } from '../../../handlers/core/errors';

describe('CodedError', () => {
  it('carries its code as its name, which is what Lambda reports and the state machine matches', () => {
    const error = new CodedError('CORRUPT', 'Expected intact JPEG data, but it ends early.');
    expect(error).toMatchObject({ name: 'CORRUPT', code: 'CORRUPT', message: 'Expected intact JPEG data, but it ends early.' });
    expect(isCodedError(error)).toBe(true);
    expect(isCodedError(new Error('x'))).toBe(false);
  });

  it('tells verdicts on the image from failures of the system', () => {
    const verdicts = ERROR_CODES.filter((code) => isValidationError(new CodedError(code, '')));
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
