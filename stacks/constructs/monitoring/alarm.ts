/**
 * One CloudWatch alarm on a metric or on metric math, with both its alarm and its OK actions (so
 * a page is followed by the all-clear) and an explicit treatment of missing data.
 */
import { Construct } from 'constructs';
import type { TerraformProvider } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { isPercentile, type MathExpression, type Metric } from '../shared/metric';

export type Comparison = 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'GreaterThanThreshold' | 'LessThanOrEqualToThreshold';

export interface AlarmProps {
  readonly alarmName: string;
  /** What it means and where to look first (docs/operations.md names every alarm). */
  readonly description: string;
  readonly metric: Metric | MathExpression;
  readonly threshold: number;
  /** @default 'GreaterThanOrEqualToThreshold' */
  readonly comparison?: Comparison;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  /**
   * How a period without data counts. No datapoint of an error count means no error, so the
   * default is `notBreaching`. @default 'notBreaching'
   */
  readonly treatMissingData?: 'notBreaching' | 'breaching' | 'ignore' | 'missing';
  /** Topics told when it fires and when it clears. */
  readonly actions: readonly string[];
  /** Where the metric lives when not in the stack's region (CloudFront's: us-east-1). @default the stack's provider */
  readonly provider?: TerraformProvider;
}

export class Alarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: AlarmProps) {
    super(scope, id);
    const source = 'expression' in props.metric ? mathQuery(props.metric) : singleMetric(props.metric);
    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      ...(props.provider ? { provider: props.provider } : {}),
      alarmName: props.alarmName,
      alarmDescription: props.description,
      comparisonOperator: props.comparison ?? 'GreaterThanOrEqualToThreshold',
      threshold: props.threshold,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      treatMissingData: props.treatMissingData ?? 'notBreaching',
      alarmActions: [...props.actions],
      okActions: [...props.actions],
      ...source,
    });
  }
}

function singleMetric(metric: Metric) {
  return {
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: { ...metric.dimensions },
    period: metric.periodSeconds,
    ...(isPercentile(metric.statistic) ? { extendedStatistic: metric.statistic } : { statistic: metric.statistic }),
  };
}

function mathQuery(math: MathExpression) {
  return {
    metricQuery: [
      { id: 'total', expression: math.expression, label: math.label, returnData: true },
      ...Object.entries(math.metrics).map(([id, metric]) => ({
        id,
        returnData: false,
        metric: { namespace: metric.namespace, metricName: metric.metricName, dimensions: { ...metric.dimensions }, period: metric.periodSeconds, stat: metric.statistic },
      })),
    ],
  };
}
