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

/** Lambda's throttling: retried on its own, longer schedule. */
export const LAMBDA_THROTTLING_ERRORS = ['Lambda.TooManyRequestsException'] as const;

/** Lambda's service errors, retried like TRANSIENT. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
] as const;

const LAMBDA_RETRIED: ReadonlySet<string> = new Set([...LAMBDA_THROTTLING_ERRORS, ...LAMBDA_SERVICE_ERRORS]);

/**
 * The stable code a Step Functions error name is recorded as: our own codes as they are; Lambda's
 * throttling and service errors, which the workflow retries, as TRANSIENT once the retries ran
 * out (worth another go later); anything else as `fallback`.
 */
export function stableCodeOr(name: string | undefined, fallback: ErrorCode): ErrorCode {
  if (name === undefined) return fallback;
  if (isStableCode(name)) return name;
  return LAMBDA_RETRIED.has(name) ? 'TRANSIENT' : fallback;
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
    // Job records carry only the stable codes; Step Functions' and Lambda's own errors keep their
    // name in the sentence: retried Lambda errors become TRANSIENT, the rest (States.Timeout,
    // Lambda.Unknown…) INTERNAL.
    if (isStableCode(name)) return { code: name, message };
    const code = stableCodeOr(name, 'INTERNAL');
    return { code, message: code === 'TRANSIENT' ? `${name}, still failing when the workflow's retries ran out: ${message}` : `${name}: ${message}` };
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
