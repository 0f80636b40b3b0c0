import { describeFailure, stableCodeOr } from '../../../handlers/workflow/failure';

describe('describeFailure', () => {
  it('takes the verdict of a failed validation', () => {
    const error = { code: 'CORRUPT', message: 'The JPEG data ends early.' };
    expect(describeFailure({ validation: { valid: false, error } })).toEqual(error);
  });

  it('reads the code and message of a caught Lambda error from its JSON cause', () => {
    const cause = JSON.stringify({ errorType: 'INTERNAL', errorMessage: 'resize failed unexpectedly: boom', trace: [] });
    expect(describeFailure({ error: { Error: 'INTERNAL', Cause: cause } })).toEqual({
      code: 'INTERNAL',
      message: 'resize failed unexpectedly: boom',
    });
  });

  it('records Step Functions\' own errors as INTERNAL, keeping their name and plain-text cause', () => {
    expect(describeFailure({ error: { Error: 'States.Timeout', Cause: 'Task timed out after 60 seconds.' } })).toEqual({
      code: 'INTERNAL',
      message: 'States.Timeout: Task timed out after 60 seconds.',
    });
  });

  it('records Lambda throttling whose retries ran out as TRANSIENT, as the README says, naming it and that the retries ran out', () => {
    const cause = JSON.stringify({ errorType: 'Lambda.TooManyRequestsException', errorMessage: 'Rate Exceeded.' });
    expect(describeFailure({ error: { Error: 'Lambda.TooManyRequestsException', Cause: cause } })).toEqual({
      code: 'TRANSIENT',
      message: "Lambda.TooManyRequestsException, still failing when the workflow's retries ran out: Rate Exceeded.",
    });
    expect(describeFailure({ error: { Error: 'Lambda.ServiceException', Cause: 'Lambda is unavailable.' } }).code).toBe('TRANSIENT');
  });

  it('maps error names to stable codes, with a fallback for everything else', () => {
    expect(stableCodeOr('CORRUPT', 'INTERNAL')).toBe('CORRUPT');
    expect(stableCodeOr('Lambda.SdkClientException', 'INTERNAL')).toBe('TRANSIENT');
    expect(stableCodeOr('States.Timeout', 'INTERNAL')).toBe('INTERNAL');
    expect(stableCodeOr(undefined, 'INTERNAL')).toBe('INTERNAL');
  });

  it('says so when there is neither a verdict nor an error', () => {
    expect(describeFailure({}).code).toBe('INTERNAL');
    expect(describeFailure({ error: {} })).toEqual({ code: 'INTERNAL', message: 'The workflow stopped with INTERNAL and gave no reason.' });
  });
});
