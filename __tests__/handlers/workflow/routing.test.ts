import { bytesPerSample, functionDecodeAllowance } from '../../../handlers/core/memory';
import { MANIFEST } from '../../../handlers/runtime/manifest';
import { DEFAULT_WORKER_THRESHOLD, routesToWorker } from '../../../handlers/workflow/routing';

const MiB = 1024 * 1024;

describe('the worker route', () => {
  it('sends an image over either threshold to the worker, and none without a threshold', () => {
    const threshold = { pixels: 100, bytes: 1000 };
    expect(routesToWorker({ pixels: 100, bytes: 1000 }, threshold)).toBe(false);
    expect(routesToWorker({ pixels: 101, bytes: 10 }, threshold)).toBe(true);
    expect(routesToWorker({ pixels: 10, bytes: 1001 }, threshold)).toBe(true);
    expect(routesToWorker({ pixels: 1e9, bytes: 1e9 }, undefined)).toBe(false);
  });

  it('keeps, by default, a full decode of four double-precision bands (32 B/px) under the threshold within ValidateImage\'s memory (docs/architecture.md)', () => {
    const widest = 4 * bytesPerSample('double');
    const allowance = functionDecodeAllowance(MANIFEST.validate.memoryMb * MiB, DEFAULT_WORKER_THRESHOLD.bytes);
    expect(DEFAULT_WORKER_THRESHOLD.pixels * widest).toBeLessThanOrEqual(allowance);
    // The bound the default is rounded down from: 57.9 MP.
    expect(Math.floor(allowance / widest / 1e5) / 10).toBe(57.9);
  });
});
