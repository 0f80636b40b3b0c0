/** The per-state summary of a local run, read from EMF records as CloudWatch reads them. */
import { metricsOf, percentile } from '../../local/emf';
import { formatStateSummary, summariseStates } from '../../local/state-metrics';

function stateDuration(step: string, ms: number) {
  return {
    _aws: { Timestamp: 0, CloudWatchMetrics: [{ Namespace: 'ImageProcessor', Dimensions: [['service', 'step']], Metrics: [{ Name: 'StateDuration', Unit: 'Milliseconds' }] }] },
    service: 'image-processor-local',
    step,
    StateDuration: ms,
  };
}

describe('metricsOf', () => {
  it('reads each metric the directive names, with the dimensions it declares, and arrays of values', () => {
    const record = {
      _aws: { Timestamp: 0, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['service']], Metrics: [{ Name: 'BytesOut', Unit: 'Bytes' }, { Name: 'Count' }] }] },
      service: 's',
      other: 'not a dimension',
      BytesOut: [10, 20],
      Count: 1,
    };
    expect(metricsOf(record)).toEqual([
      { namespace: 'N', name: 'BytesOut', unit: 'Bytes', value: 10, dimensions: { service: 's' } },
      { namespace: 'N', name: 'BytesOut', unit: 'Bytes', value: 20, dimensions: { service: 's' } },
      { namespace: 'N', name: 'Count', unit: 'None', value: 1, dimensions: { service: 's' } },
    ]);
  });

  it('finds nothing in a log line that is not EMF', () => {
    expect(metricsOf({ level: 'INFO', message: 'Job succeeded', totalMs: 12 })).toEqual([]);
    expect(metricsOf({ _aws: { CloudWatchMetrics: 'broken' } })).toEqual([]);
  });
});

describe('percentile', () => {
  it('is by nearest rank: a value that was measured', () => {
    const values = [5, 1, 4, 2, 3, 100, 6, 7, 8, 9];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 99)).toBe(100);
    expect(percentile([42], 99)).toBe(42);
    expect(() => percentile([], 50)).toThrow('at least one value');
  });
});

describe('summariseStates', () => {
  it('names each step by its Task state, in the definition order, and ignores other metrics', () => {
    const data = [stateDuration('optimize', 30), stateDuration('validate', 10), stateDuration('validate', 20), stateDuration('validate', 90), stateDuration('no-such-step', 1)].flatMap(metricsOf);
    const states = summariseStates([...data, { namespace: 'ImageProcessor', name: 'BytesIn', unit: 'Bytes', value: 5, dimensions: {} }]);
    expect(Object.keys(states)).toEqual(['ValidateImage', 'OptimizeImage']);
    expect(states.ValidateImage).toEqual({ count: 3, p50Ms: 20, p99Ms: 90 });
    expect(formatStateSummary(states)).toEqual([
      "Time per state (from the functions' metrics):",
      '  ValidateImage  p50 20 ms  p99 90 ms  (3 runs)',
      '  OptimizeImage  p50 30 ms  p99 30 ms  (1 run)',
    ]);
    expect(formatStateSummary({})).toEqual([]);
  });
});
