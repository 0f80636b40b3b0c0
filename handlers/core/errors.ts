/**
 * Stable error codes. The state machine's Retry/Catch, the job records and the reports
 * match on these strings, so they never change meaning once released.
 */

/** Codes that describe the upload itself: a verdict on the image, never worth a retry. */
const VALIDATION_CODES = [
  /** The upload has zero bytes. */
  'EMPTY',
  /** The bytes are not one of the allow-listed raster formats (detected from magic bytes). */
  'UNSUPPORTED_FORMAT',
  /** The format is recognised but the data is truncated or damaged. */
  'CORRUPT',
  /** The header declares more pixels than the configured limit. */
  'TOO_MANY_PIXELS',
  /** The object is larger than the configured byte limit. */
  'TOO_LARGE',
  /** An animated image declares more frames than the configured limit. */
  'TOO_MANY_FRAMES',
  /**
   * An output would be too large for its format (WebP stops at 16383 px). Renditions are fitted
   * to those limits, so this is the encoder's backstop rather than an expected verdict.
   */
  'UNSUPPORTED_DIMENSIONS',
  /** The object a step needs is gone (the upload was deleted before it was processed). */
  'OBJECT_MISSING',
  /** The upload was overwritten after its event: the newer upload is a job of its own. */
  'SOURCE_CHANGED',
  /** Decoding the image would need more memory than there is (a function's memory, a local memory budget). */
  'EXCEEDS_MEMORY',
  /** A local input is not a regular file (a FIFO, a device, a kernel pseudo-file…), so it is never read. */
  'NOT_A_FILE',
] as const;

export const ERROR_CODES = [
  ...VALIDATION_CODES,
  /** A preset or an option failed validation. */
  'INVALID_PRESET',
  /** A workflow event or request is missing fields or has fields of the wrong type. */
  'INVALID_INPUT',
  /** A dependency failed in a way that may succeed on retry (throttling, 5xx, network). */
  'TRANSIENT',
  /** An unexpected failure inside the processor itself; not retried. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * An error with a stable code and a sentence a person understands.
 * `name` equals the code because Lambda reports `errorType` from the error's name,
 * and that is what Step Functions' `ErrorEquals` matches on.
 */
export class CodedError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = code;
  }
}

export function isCodedError(value: unknown): value is CodedError {
  return value instanceof CodedError;
}

const VALIDATION_ERROR_CODES: ReadonlySet<ErrorCode> = new Set(VALIDATION_CODES);

export function isValidationError(value: unknown): value is CodedError {
  return isCodedError(value) && VALIDATION_ERROR_CODES.has(value.code);
}
