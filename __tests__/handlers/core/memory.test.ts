/**
 * Issue 9, point 5: the decoded size of an image from its header, the one estimate behind the
 * local runners' memory budget and ValidateImage's check against its function's memory.
 */
import sharp from 'sharp';
import { inspectImage } from '../../../handlers/core/inspect';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { decodedBytes, functionDecodeAllowance, requireDecodeFits, RUNTIME_RESERVE_BYTES } from '../../../handlers/core/memory';
import { expectCodedError } from '../../fixtures/expect-error';
import { photoLikeJpeg, png16, rgbaPng } from '../../fixtures/images';

const MiB = 1024 * 1024;

async function rgba16Png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } }).toColourspace('rgb16').png().toBuffer();
}

describe('decodedBytes', () => {
  it.each([
    ['16-bit RGBA PNG', () => rgba16Png(90, 60), 90 * 60 * 4 * 2],
    ['16-bit RGB PNG', () => png16(90, 60), 90 * 60 * 3 * 2],
    ['8-bit RGBA PNG', () => rgbaPng(40, 30), 40 * 30 * 4],
    ['8-bit RGB JPEG', () => photoLikeJpeg(64, 48), 64 * 48 * 3],
  ])('is width × height × channels × bytes per sample for a %s, exactly what the full decode holds', async (_, make, expected) => {
    const bytes = await make();
    const info = await inspectImage(bytes, DEFAULT_LIMITS);
    expect(decodedBytes(info)).toBe(expected);
    const decoded = await sharp(bytes).raw({ depth: info.depth as 'uchar' | 'ushort' }).toBuffer();
    expect(decoded.length).toBe(expected);
  });

  it('counts 4 bytes for float samples and rejects a depth it does not know', () => {
    expect(decodedBytes({ width: 10, height: 10, channels: 3, depth: 'float' })).toBe(1200);
    expect(() => decodedBytes({ width: 10, height: 10, channels: 3, depth: 'qubit' })).toThrow(/Expected a libvips band format/);
  });

  it('sizes a 100 MP 16-bit RGBA image at 800 MB', () => {
    expect(decodedBytes({ width: 10000, height: 10000, channels: 4, depth: 'ushort' })).toBe(800_000_000);
  });
});

describe('requireDecodeFits', () => {
  const image = { width: 10000, height: 10000, channels: 4, depth: 'ushort' };
  const upload = 1_200_000;

  it('accepts an image whose decode fits a function’s memory beside the runtime and the upload', () => {
    expect(functionDecodeAllowance(2048 * MiB, upload)).toBe(2048 * MiB - RUNTIME_RESERVE_BYTES - upload);
    expect(() => requireDecodeFits(image, functionDecodeAllowance(2048 * MiB, upload), 'the function’s memory')).not.toThrow();
    expect(() => requireDecodeFits(image, 800_000_000, 'a budget')).not.toThrow();
  });

  it('fails with EXCEEDS_MEMORY, saying what it needs and what there is, when it does not', async () => {
    const memory = RUNTIME_RESERVE_BYTES + 800_000_000;
    const error = await expectCodedError(() => requireDecodeFits(image, functionDecodeAllowance(memory, upload), 'the function’s memory'), 'EXCEEDS_MEMORY');
    expect(error.message).toMatch(/10000 × 10000 pixels in 4 channels of 16 bits need about 763 MiB, and the function’s memory leaves 761 MiB/);
  });
});
