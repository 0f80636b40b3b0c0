/**
 * What went wrong, from the state NotifyError receives: either ValidateImage's verdict at
 * `validation`, or the error a Catch stored at `error` (`Error` is the code; `Cause` is Lambda's
 * JSON `{errorType, errorMessage}` or plain text from Step Functions itself).
 */
import type { JobError, ValidationResult } from './events';

export interface FailedState {
  readonly validation?: ValidationResult;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

export function describeFailure(state: FailedState): JobError {
  if (state.validation && !state.validation.valid) {
    return state.validation.error;
  }
  if (state.error) {
    const code = state.error.Error || 'INTERNAL';
    return { code, message: causeMessage(state.error.Cause) ?? `The workflow stopped with ${code} and gave no reason.` };
  }
  return { code: 'INTERNAL', message: 'The workflow reached NotifyError without a validation verdict or a caught error.' };
}

function causeMessage(cause: string | undefined): string | undefined {
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
