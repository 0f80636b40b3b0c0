/**
 * A CloudWatch metric as data, the aws-cdk-lib way: the construct that owns a resource offers
 * `metric*()` methods returning these, and the alarms and the dashboard are built from the same
 * definitions, so a graph always shows what an alarm watches.
 */

export interface Metric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** `Sum`, `Average`, `Maximum`, `Minimum`, `SampleCount`, or a percentile such as `p99`. */
  readonly statistic: string;
  readonly periodSeconds: number;
  /** What a person reads on a graph or in an alarm. */
  readonly label: string;
}

/** Metric math over named metrics, e.g. `m1 + m2`. */
export interface MathExpression {
  readonly expression: string;
  readonly label: string;
  readonly metrics: Readonly<Record<string, Metric>>;
  readonly periodSeconds: number;
}

export function metric(
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
  options: { readonly statistic?: string; readonly periodSeconds?: number; readonly label?: string } = {},
): Metric {
  return {
    namespace,
    metricName,
    dimensions,
    statistic: options.statistic ?? 'Sum',
    periodSeconds: options.periodSeconds ?? 60,
    label: options.label ?? metricName,
  };
}

const PERCENTILE = /^p\d{1,2}(?:\.\d+)?$/;

export function isPercentile(statistic: string): boolean {
  return PERCENTILE.test(statistic);
}

/** A widget's entry for the metric: `[namespace, name, dim, value, …, { stat, period, label }]`. */
export function dashboardEntry(metric: Metric, options: { readonly id?: string; readonly visible?: boolean } = {}): unknown[] {
  return [
    metric.namespace,
    metric.metricName,
    ...Object.entries(metric.dimensions).flat(),
    {
      stat: metric.statistic,
      period: metric.periodSeconds,
      label: metric.label,
      ...(options.id ? { id: options.id } : {}),
      ...(options.visible === false ? { visible: false } : {}),
    },
  ];
}
