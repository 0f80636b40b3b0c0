/**
 * An API answer that is not a success: its HTTP status, a stable code and a sentence. Shapes,
 * limits, formats and presets reuse the core's codes (`INVALID_INPUT`, `TOO_LARGE`,
 * `UNSUPPORTED_FORMAT`, `INVALID_PRESET`); the rest are the API's own.
 */
export type ApiErrorCode = 'INVALID_INPUT' | 'INVALID_PRESET' | 'UNAUTHORIZED' | 'NOT_FOUND' | 'TOO_LARGE' | 'UNSUPPORTED_FORMAT' | 'RATE_LIMITED' | 'INTERNAL';

export const STATUS_OF: Readonly<Record<ApiErrorCode, number>> = {
  INVALID_INPUT: 400,
  INVALID_PRESET: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  TOO_LARGE: 413,
  UNSUPPORTED_FORMAT: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }

  get status(): number {
    return STATUS_OF[this.code];
  }

  toBody(): { error: { code: ApiErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export function notFound(uploadId: string): ApiError {
  // The same answer whether the upload never existed, was deleted or is another owner's.
  return new ApiError('NOT_FOUND', `Expected an upload of yours with id ${uploadId}, but there is none.`);
}
