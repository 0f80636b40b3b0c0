/**
 * Small helpers that turn values into the words of an error message, so every message
 * in the core reads the same way: "Expected <what>, but received <what>."
 */

/** A short, unambiguous rendering of any value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the value is missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
    return value.length === 0 ? 'an empty string' : JSON.stringify(shown);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `the number ${String(value)}`;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `binary data (${value.length} bytes)`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** "a", "a or b", "a, b or c" (with `and` when asked). */
export function formatList(items: readonly string[], conjunction: 'or' | 'and' = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1] ?? ''}`;
}

/** Human-readable size in binary units: `52428800` → `50 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const rounded = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${rounded} ${units[unit] ?? ''}`;
}

/** Megapixels with at most one decimal: `100000000` → `100 MP`, `12192768` → `12.2 MP`. */
export function formatMegapixels(pixels: number): string {
  const mp = pixels / 1_000_000;
  return `${Number.isInteger(mp) ? String(mp) : mp.toFixed(1)} MP`;
}

/** The first bytes of a buffer as hex, for "matches no known format" messages. */
export function hexPreview(bytes: Uint8Array, count = 8): string {
  const shown = Array.from(bytes.subarray(0, count), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > count ? `${shown} …` : shown;
}

/**
 * The useful lines of a libvips/sharp error or warning: loader and source prefixes ("VipsJpeg:",
 * "tiff2vips:", "gifload_buffer:", "source input:"), sharp's generic "Input buffer has corrupt
 * header:" and repeats removed.
 */
export function libvipsLines(error: unknown): string[] {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split('\n')
    .map((line) =>
      line
        .replace(/Input buffer has corrupt header:?/gi, '')
        .replace(/\b(Vips[A-Za-z]+|[a-z0-9]+load(_buffer|_source)?|[a-z]+2vips|source input|webp|heif|gif):\s*/g, '')
        .trim()
        .replace(/[.:;]+$/, ''),
    )
    .filter((line) => line.length > 0);
  return [...new Set(lines)];
}

/** {@link libvipsLines} as one phrase for a sentence; empty when nothing specific is left. */
export function libvipsDetail(error: unknown): string {
  return libvipsLines(error).join('; ');
}
