/**
 * How much memory decoding an image takes, from its header alone: width × height × channels ×
 * bytes per sample, the size of one frame as libvips holds it fully decoded. It is an upper
 * bound: JPEG and WebP decode at a reduced scale when the master is smaller, and libvips streams
 * some decodes, but an interlaced PNG or a rotated image is held whole. The local runners admit
 * work against a memory budget by this figure; ValidateImage checks it against its function's
 * memory, so an image that cannot fit fails with a code instead of killing the function.
 */
import { CodedError } from './errors';

/** What a header declares about the decoded pixels (sharp's metadata names). */
export interface DecodeHeader {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  /** libvips band format, e.g. `uchar`, `ushort`, `float`. */
  readonly depth: string;
}

const BYTES_PER_SAMPLE: Readonly<Record<string, number>> = {
  uchar: 1,
  char: 1,
  ushort: 2,
  short: 2,
  uint: 4,
  int: 4,
  float: 4,
  complex: 8,
  double: 8,
  dpcomplex: 16,
};

const MiB = 1024 * 1024;

/**
 * What a function needs besides the decoded pixels: the Node.js runtime with sharp and libvips
 * loaded (about 120 MB resident), the master it writes (at most 2048 × 16383 × 4 bytes, 128 MiB,
 * for the tallest image WebP takes) and libvips' working buffers.
 */
export const RUNTIME_RESERVE_BYTES = 256 * MiB;

export function bytesPerSample(depth: string): number {
  const bytes = BYTES_PER_SAMPLE[depth];
  if (bytes === undefined) {
    throw new CodedError('INTERNAL', `Expected a libvips band format (${Object.keys(BYTES_PER_SAMPLE).join(', ')}), but received "${depth}".`);
  }
  return bytes;
}

/** Bytes of one frame fully decoded: width × height × channels × bytes per sample. */
export function decodedBytes(header: DecodeHeader): number {
  return header.width * header.height * header.channels * bytesPerSample(header.depth);
}

/** What a function with `memoryBytes` of memory has left for decoding an upload of `uploadBytes`. */
export function functionDecodeAllowance(memoryBytes: number, uploadBytes: number): number {
  return memoryBytes - RUNTIME_RESERVE_BYTES - uploadBytes;
}

/**
 * @param where what holds the memory, as a sentence names it: "the function’s memory", "the memory budget".
 * @throws CodedError `EXCEEDS_MEMORY` when the decoded size is more than `availableBytes`.
 */
export function requireDecodeFits(header: DecodeHeader, availableBytes: number, where: string): void {
  const needed = decodedBytes(header);
  if (needed <= availableBytes) return;
  const bits = bytesPerSample(header.depth) * 8;
  throw new CodedError(
    'EXCEEDS_MEMORY',
    `Expected an image that decodes within ${where}, but ${header.width} × ${header.height} pixels in ${header.channels} channels of ${bits} bits need about ${Math.ceil(needed / MiB)} MiB, and ${where} leaves ${Math.max(0, Math.floor(availableBytes / MiB))} MiB.`,
  );
}
