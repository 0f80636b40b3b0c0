import sharp from 'sharp';
import { FILTER_NAMES, type FilterSpec } from '../../../handlers/core/filter-spec';
import { applyFilter, applyFilterChain, applyFilters, planFilterStages } from '../../../handlers/core/filters';
import type { RawImage } from '../../../handlers/core/raw-image';
import { expectCodedError } from '../../fixtures/expect-error';
import { pixels } from '../../fixtures/image-stats';

/** 48 × 32 colour ramp: red grows left to right, green top to bottom, blue constant. */
function ramp(channels: 3 | 4 = 3, alpha = (x: number) => (x * 5) % 256): RawImage {
  const width = 48;
  const height = 32;
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const at = (y * width + x) * channels;
      data.set([x * 5, y * 7, 90], at);
      if (channels === 4) data[at + 3] = alpha(x);
    }
  }
  return { data, width, height, channels };
}

/** A 32 × 32 black/white checkerboard of 4 px squares. */
function checkerboard(): RawImage {
  const data = Buffer.alloc(32 * 32 * 3);
  for (let i = 0; i < 32 * 32; i += 1) {
    const v = (Math.floor((i % 32) / 4) + Math.floor(i / 32 / 4)) % 2 === 0 ? 0 : 255;
    data.fill(v, i * 3, i * 3 + 3);
  }
  return { data, width: 32, height: 32, channels: 3 };
}

function stdev(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

const red = (image: RawImage) => [...pixels(image)].map((p) => p[0] ?? 0);

describe('each filter has its effect', () => {
  it('grayscale: R = G = B for every pixel, alpha kept', async () => {
    const input = ramp(4);
    const out = await applyFilters(input, [{ name: 'grayscale' }]);
    expect(out.channels).toBe(4);
    const outPixels = [...pixels(out)];
    for (const [r, g, b] of outPixels) {
      expect(g).toBe(r);
      expect(b).toBe(r);
    }
    expect(outPixels.map((p) => p[3])).toEqual([...pixels(input)].map((p) => p[3]));
    // Luma, not a copy of one channel: brighter where the input is brighter.
    expect(outPixels.at(-1)?.[0]).toBeGreaterThan(outPixels[0]?.[0] ?? 255);
  });

  it('sepia: warm tones (R ≥ G ≥ B) for every pixel', async () => {
    const out = await applyFilters(ramp(), [{ name: 'sepia' }]);
    for (const [r = 0, g = 0, b = 0] of pixels(out)) {
      expect(r).toBeGreaterThanOrEqual(g);
      expect(g).toBeGreaterThanOrEqual(b);
    }
    expect([...pixels(out)].some(([r = 0, , b = 0]) => r - b > 20)).toBe(true);
  });

  it('negate: 255 − value on colour channels, alpha untouched', async () => {
    const input = ramp(4);
    const out = await applyFilters(input, [{ name: 'negate' }]);
    const before = [...pixels(input)];
    [...pixels(out)].forEach(([r, g, b, a], i) => {
      const [r0 = 0, g0 = 0, b0 = 0, a0] = before[i] ?? [];
      expect([r, g, b, a]).toEqual([255 - r0, 255 - g0, 255 - b0, a0]);
    });
  });

  it('blur: hard edges soften (less contrast), brightness kept', async () => {
    const input = checkerboard();
    const out = await applyFilters(input, [{ name: 'blur', sigma: 2 }]);
    expect(stdev(red(out))).toBeLessThan(stdev(red(input)) / 2);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(Math.abs(mean(red(out)) - mean(red(input)))).toBeLessThan(10);
  });

  it('sharpen: a soft edge gets steeper (with and without sigma)', async () => {
    const soft = await applyFilters(checkerboard(), [{ name: 'blur', sigma: 1.5 }]);
    const sharpness = async (image: RawImage) =>
      (await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } }).stats()).sharpness;
    const before = await sharpness(soft);
    expect(await sharpness(await applyFilters(soft, [{ name: 'sharpen', sigma: 1.5 }]))).toBeGreaterThan(before * 1.1);
    expect(await sharpness(await applyFilters(soft, [{ name: 'sharpen' }]))).toBeGreaterThan(before);
  });

  it('tint: a grey image takes the tint’s hue', async () => {
    const grey: RawImage = { data: Buffer.alloc(16 * 16 * 3, 128), width: 16, height: 16, channels: 3 };
    const out = await applyFilters(grey, [{ name: 'tint', color: '#ff3300' }]);
    const [r = 0, g = 0, b = 0] = [...pixels(out)][0] ?? [];
    expect(r).toBeGreaterThan(g);
    expect(g).toBeGreaterThan(b);
    expect(r - b).toBeGreaterThan(30);
  });

  it('normalize: a low-contrast image is stretched to the full range', async () => {
    const flat: RawImage = {
      data: Buffer.from(Array.from({ length: 32 * 32 * 3 }, (_, i) => 100 + (Math.floor(i / 3) % 50))),
      width: 32,
      height: 32,
      channels: 3,
    };
    const out = red(await applyFilters(flat, [{ name: 'normalize' }]));
    expect(Math.min(...out)).toBeLessThan(10);
    expect(Math.max(...out)).toBeGreaterThan(245);
  });

  it('every filter keeps RGB(A) layout and size', async () => {
    const specs: FilterSpec[] = [
      { name: 'grayscale' },
      { name: 'sepia' },
      { name: 'blur', sigma: 1 },
      { name: 'sharpen' },
      { name: 'tint', color: '#704214' },
      { name: 'negate' },
      { name: 'normalize' },
    ];
    expect(specs.map((s) => s.name).sort()).toEqual([...FILTER_NAMES].sort());
    for (const spec of specs) {
      for (const channels of [3, 4] as const) {
        const out = await applyFilters(ramp(channels), [spec]);
        expect({ spec: spec.name, width: out.width, height: out.height, channels: out.channels }).toEqual({
          spec: spec.name,
          width: 48,
          height: 32,
          channels,
        });
      }
    }
  });
});

describe('chains', () => {
  it('are applied in the order written, not in sharp’s internal order', async () => {
    // sharp alone would run grayscale (recomb) before tint; written order gives a grey result.
    const out = await applyFilters(ramp(), [{ name: 'tint', color: '#ff0000' }, { name: 'grayscale' }]);
    for (const [r, g, b] of pixels(out)) expect([g, b]).toEqual([r, r]);
    const reversed = await applyFilters(ramp(), [{ name: 'grayscale' }, { name: 'tint', color: '#ff0000' }]);
    expect([...pixels(reversed)].some(([r = 0, g = 0]) => r - g > 10)).toBe(true);
  });

  it('are split into as few passes as sharp’s order allows', () => {
    expect(planFilterStages([{ name: 'grayscale' }])).toHaveLength(1);
    expect(planFilterStages([{ name: 'blur', sigma: 1 }, { name: 'sepia' }, { name: 'negate' }])).toHaveLength(1);
    // grayscale runs passes of its own (sharp writes greyscale as one band).
    expect(planFilterStages([{ name: 'blur', sigma: 1 }, { name: 'grayscale' }, { name: 'negate' }])).toHaveLength(3);
    expect(planFilterStages([{ name: 'negate' }, { name: 'blur', sigma: 1 }])).toHaveLength(2);
    expect(planFilterStages([{ name: 'grayscale' }, { name: 'sepia' }])).toHaveLength(2);
    expect(planFilterStages([])).toEqual([]);
  });

  it('applyFilterChain refuses a chain that one pipeline would reorder', async () => {
    const pipeline = sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } });
    await expectCodedError(() => applyFilterChain(pipeline, [{ name: 'negate' }, { name: 'blur', sigma: 1 }]), 'INTERNAL');
    expect(applyFilter(pipeline, { name: 'negate' })).toBe(pipeline);
  });

  it('fuse a resize into the first pass, never enlarging', async () => {
    const smaller = await applyFilters(ramp(), [{ name: 'grayscale' }], { fit: { width: 24, height: 16383 } });
    expect([smaller.width, smaller.height]).toEqual([24, 16]);
    const same = await applyFilters(ramp(), [{ name: 'grayscale' }], { fit: { width: 480, height: 16383 } });
    expect([same.width, same.height]).toEqual([48, 32]);
    const resizeOnly = await applyFilters(ramp(), [], { fit: { width: 12, height: 16383 } });
    expect([resizeOnly.width, resizeOnly.height]).toEqual([12, 8]);
    const input = ramp();
    expect(await applyFilters(input, [])).toBe(input);
  });
});
