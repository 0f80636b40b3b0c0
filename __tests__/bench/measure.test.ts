/** The bench's statistics: medians with their spread, and ratios taken round by round. */
import { interleave, spread, type Measurement } from '../../bench/measure';

describe('spread', () => {
  it('is the median with the least and greatest sample, the middle pair averaged for an even count', () => {
    expect(spread([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5 });
    expect(spread([4, 1, 3, 10])).toEqual({ median: 3.5, min: 1, max: 10 });
  });

  it('refuses to take the median of nothing', () => {
    expect(() => spread([])).toThrow('Expected at least one sample');
  });
});

describe('interleave', () => {
  it('runs the candidates in turn, round after round, and divides each round by the yardstick’s own', async () => {
    const order: string[] = [];
    // The machine slows down round by round; the candidate is always twice the yardstick.
    const run = (name: string, factor: number) => async (): Promise<Measurement> => {
      order.push(name);
      const round = order.filter((entry) => entry === name).length;
      return { cpuMs: 100 * factor * round, wallMs: 10 * factor * round };
    };
    const results = await interleave(3, { yardstick: run('yardstick', 1), candidate: run('candidate', 2) }, 'yardstick');
    expect(order).toEqual(['yardstick', 'candidate', 'yardstick', 'candidate', 'yardstick', 'candidate']);
    expect(results.candidate!.ratio).toEqual({ cpu: { median: 2, min: 2, max: 2 }, wall: { median: 2, min: 2, max: 2 } });
    expect(results.candidate!.cpuMs).toEqual({ median: 400, min: 200, max: 600 });
    expect(results.yardstick!.ratio).toBeUndefined();
  });
});
