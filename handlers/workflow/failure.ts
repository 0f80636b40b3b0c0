/**
 * What went wrong, from the state NotifyError receives: either ValidateImage's verdict at
 * `validation`, or the error a Catch stored at `error` (`Error` is the code; `Cause` is Lambda's
 * JSON `{errorType, errorMessage}` or plain text from Step Functions itself).
 */
import { ERROR_CODES, type ErrorCode } from '../core/errors';
import type { JobError, ValidationResult } from './events';

const STABLE_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

function isStableCode(name: string): name is ErrorCode {
  return STABLE_CODES.has(name);
}

export interface FailedState {
  readonly validation?: ValidationResult;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

export function describeFailure(state: FailedState): JobError {
  if (state.validation && !state.validation.valid) {
    return state.validation.error;
  }
  if (state.error) {
    const name = state.error.Error || 'INTERNAL';
    const message = causeMessage(state.error.Cause) ?? `The workflow stopped with ${name} and gave no reason.`;
    // Job records carry only the stable codes; Step Functions' and Lambda's own errors
    // (States.Timeout, Lambda.Unknown…) become INTERNAL, keeping their name in the sentence.
    return isStableCode(name) ? { code: name, message } : { code: 'INTERNAL', message: `${name}: ${message}` };
  }
  return { code: 'INTERNAL', message: 'The workflow reached NotifyError without a validation verdict or a caught error.' };
}

/** The message in a Step Functions error cause: Lambda's JSON `errorMessage`, or the plain text. */
export function causeMessage(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed && typeof parsed.errorMessage === 'string') {
      return parsed.errorMessage;
    }
  } catch {
    // Not JSON: Step Functions' own errors (States.Timeout, …) carry plain text.
  }
  return cause;
}
