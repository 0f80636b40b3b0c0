/**
 * CloudWatch embedded metric format, read as CloudWatch reads it from a function's log: a JSON
 * line whose `_aws.CloudWatchMetrics` names metrics whose values are the line's own keys. This is
 * how a local run learns what the functions measured — the same lines the alarms read in AWS.
 */

export interface MetricDatum {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  /** Every dimension the line declares for the metric, with its value. */
  readonly dimensions: Readonly<Record<string, string>>;
}

interface EmfDirective {
  readonly Namespace?: unknown;
  readonly Dimensions?: unknown;
  readonly Metrics?: unknown;
}

/** The datapoints of one log record; none when it is not an EMF record. */
export function metricsOf(record: Readonly<Record<string, unknown>>): MetricDatum[] {
  const directives = (record._aws as { CloudWatchMetrics?: unknown } | undefined)?.CloudWatchMetrics;
  if (!Array.isArray(directives)) return [];
  return directives.flatMap((directive: EmfDirective) => {
    if (typeof directive.Namespace !== 'string' || !Array.isArray(directive.Metrics)) return [];
    const namespace = directive.Namespace;
    const names = Array.isArray(directive.Dimensions) ? directive.Dimensions.flat().filter((name): name is string => typeof name === 'string') : [];
    const dimensions = Object.fromEntries(names.filter((name) => typeof record[name] === 'string').map((name) => [name, record[name] as string]));
    return directive.Metrics.flatMap((metric: { Name?: unknown; Unit?: unknown }) => {
      if (typeof metric.Name !== 'string') return [];
      const raw = record[metric.Name];
      const values = (Array.isArray(raw) ? raw : [raw]).filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
      const unit = typeof metric.Unit === 'string' ? metric.Unit : 'None';
      return values.map((value) => ({ namespace, name: metric.Name as string, unit, value, dimensions }));
    });
  });
}

/** The value at percentile `p` (0–100) of `values`, by nearest rank: always one of the values measured. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('Expected at least one value for a percentile, but received none.');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}
