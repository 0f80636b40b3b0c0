/**
 * Input limits: the cheap checks that protect every runtime from hostile or accidental
 * oversized uploads. Parsed once (from config, the environment or a CLI flag) into a
 * typed, validated object; defaults live here and nowhere else.
 */
import { describeValue, formatBytes } from './describe';
import { CodedError } from './errors';

export interface Limits {
  /**
   * Largest accepted upload, in bytes. Checked before anything is parsed.
   * @default 52428800 (50 MiB)
   */
  readonly maxBytes: number;
  /**
   * Largest accepted width × height of the (first frame of the) image, read from the
   * header before any pixel is decoded; also passed to libvips as `limitInputPixels`.
   * @default 100000000 (100 megapixels)
   */
  readonly maxPixels: number;
  /**
   * Most frames (pages) an animated or multi-page image may declare. Only the first
   * frame is ever decoded; this bounds the work of parsing the rest.
   * @default 1000
   */
  readonly maxFrames: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxBytes: 50 * 1024 * 1024,
  maxPixels: 100_000_000,
  maxFrames: 1000,
});

const LIMIT_KEYS = ['maxBytes', 'maxPixels', 'maxFrames'] as const satisfies readonly (keyof Limits)[];

/**
 * Validate a partial set of limits and fill the rest from {@link DEFAULT_LIMITS}.
 * Each value must be a positive safe integer; a string of decimal digits is accepted too,
 * because limits often come from environment variables or command-line flags.
 * `undefined` means "use the default". Unknown keys are rejected (they are usually typos).
 *
 * @throws CodedError `INVALID_INPUT` naming the field, what was expected and what was received.
 */
export function parseLimits(partial: Partial<Record<keyof Limits, unknown>>): Limits {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    throw new CodedError(
      'INVALID_INPUT',
      `Expected limits to be an object with ${LIMIT_KEYS.join(', ')}, but received ${describeValue(partial)}.`,
    );
  }
  for (const key of Object.keys(partial)) {
    if (!(LIMIT_KEYS as readonly string[]).includes(key)) {
      throw new CodedError(
        'INVALID_INPUT',
        `Expected limit names to be one of ${LIMIT_KEYS.join(', ')}, but received ${JSON.stringify(key)}.`,
      );
    }
  }
  const resolve = (key: keyof Limits): number => {
    const raw = partial[key];
    if (raw === undefined) return DEFAULT_LIMITS[key];
    const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new CodedError(
        'INVALID_INPUT',
        `Expected ${key} to be a positive integer, but received ${describeValue(raw)}.`,
      );
    }
    return value;
  };
  return Object.freeze({
    maxBytes: resolve('maxBytes'),
    maxPixels: resolve('maxPixels'),
    maxFrames: resolve('maxFrames'),
  });
}

/** The one TOO_LARGE sentence, whoever finds out first (the event, the file system, the bytes). */
export function tooLargeError(maxBytes: number, bytes: number): CodedError {
  return new CodedError(
    'TOO_LARGE',
    `Expected at most ${maxBytes} bytes (${formatBytes(maxBytes)}), but received ${bytes} bytes (${formatBytes(bytes)}).`,
  );
}
