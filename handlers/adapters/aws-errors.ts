/**
 * The one place that decides whether an AWS failure is worth retrying. The state machine's
 * Retry blocks match on the stable code `TRANSIENT`, so every adapter routes its SDK errors
 * through `toAdapterError`: throttling, 5xx and network failures become
 * `CodedError('TRANSIENT')` (with the SDK error as `cause`); a call IAM denied becomes
 * `CodedError('INTERNAL')` naming the denial (a policy that needs fixing, not worth a retry);
 * everything else — a missing object, a failed condition — is returned unchanged for the caller
 * to handle or to surface as it is. The lists mirror the SDK's own retry classification
 * (@smithy/core retry constants), so "retryable" means what the SDK's retry strategy means.
 */
import { types } from 'node:util';
import { CodedError, isCodedError } from '../core/errors';

const THROTTLING_NAMES: ReadonlySet<string> = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

/** Timeouts and server faults reported by name (DeleteObjects' per-key errors carry no status). */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

/** Node.js socket and DNS failures: the request may not even have reached AWS. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What each service calls a request IAM denied (S3 and SQS; DynamoDB and Step Functions; SNS; SNS refused the topic's key). */
const ACCESS_DENIED_NAMES: ReadonlySet<string> = new Set(['AccessDenied', 'AccessDeniedException', 'AuthorizationErrorException', 'KMSAccessDeniedException']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown; attempts?: unknown };
}

/** True for failures a later attempt may not see: throttling, 5xx, timeouts, network errors. */
export function isRetryableAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $retryable, $metadata } = error as SdkErrorShape;
  if ($retryable) return true;
  const status = $metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  if (typeof name === 'string' && (THROTTLING_NAMES.has(name) || TRANSIENT_NAMES.has(name))) return true;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/**
 * Maps an error thrown while performing `operation` (e.g. "S3 GetObject") to what the adapter
 * throws: a TRANSIENT CodedError when retryable, otherwise the error itself. CodedErrors pass
 * through untouched; a thrown non-Error value becomes an INTERNAL CodedError so callers always
 * get an Error.
 */
export function toAdapterError(operation: string, error: unknown): Error {
  if (isCodedError(error)) return error;
  if (isRetryableAwsError(error)) {
    return new CodedError('TRANSIENT', `Expected ${operation} to succeed, but it failed with a temporary error${attemptsText(error)} (${describe(error)}); a retry may succeed.`, { cause: error });
  }
  if (isError(error) && ACCESS_DENIED_NAMES.has(error.name)) {
    return new CodedError('INTERNAL', `Expected ${operation} to be allowed by the function's IAM policy, but it was denied (${describe(error)}).`, { cause: error });
  }
  if (isError(error)) return error;
  return new CodedError('INTERNAL', `Expected ${operation} to fail with an Error, but it threw ${describe(error)}.`, { cause: error });
}

function attemptsText(error: unknown): string {
  const attempts = (error as SdkErrorShape).$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1 ? ` after ${attempts} attempts` : '';
}

/** `instanceof Error` misses errors made in another realm (a VM context, a worker); this does not. */
function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

function describe(error: unknown): string {
  if (isError(error)) {
    const code = (error as SdkErrorShape).code;
    const label = typeof code === 'string' && code !== error.name ? `${error.name} ${code}` : error.name;
    return error.message ? `${label}: ${error.message}` : label;
  }
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
