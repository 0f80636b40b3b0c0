/**
 * Decoded pixels passed between the steps. Always 8-bit sRGB, interleaved, row-major,
 * no padding (`data.length === width * height * channels`), alpha not premultiplied.
 */
export interface RawImage {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  /** 3 = RGB, 4 = RGB + alpha. */
  readonly channels: 3 | 4;
}

/** sharp's `raw` input descriptor for a {@link RawImage}. */
export function rawInput(image: RawImage): { width: number; height: number; channels: 3 | 4 } {
  return { width: image.width, height: image.height, channels: image.channels };
}
