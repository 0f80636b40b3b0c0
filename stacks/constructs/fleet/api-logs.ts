/**
 * The API instances' log group: what the CloudWatch agent on each instance ships from the API's
 * log file (one stream per instance), encrypted with the stack key and kept as long as the other
 * log groups. A metric filter counts the API's ERROR lines, so an alarm can page on them; the
 * API's EMF lines become metrics by themselves (CloudWatch Logs extracts EMF from any group).
 */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { METRICS_NAMESPACE, SERVICE_DIMENSION } from '../../../handlers/runtime/metrics';
import { metric, type Metric } from '../shared/metric';
import type { LogGroupKey } from '../shared/stack-key';

export interface ApiLogsProps {
  /** `/ec2/<stack>-api` (stacks/config/names.ts). */
  readonly logGroupName: string;
  /** The API's service name: the `service` key of its log lines, and so the error metric's dimension. */
  readonly serviceName: string;
  /** The stack key: it encrypts the group, and its policy lets CloudWatch Logs use it for this group alone. */
  readonly key: LogGroupKey;
  /** @default 365 */
  readonly retentionDays?: number;
}

/** The metric the filter makes of the API's ERROR lines. */
export const API_ERRORS_METRIC = 'ApiErrors';

export class ApiLogs extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  private readonly serviceName: string;

  constructor(scope: Construct, id: string, props: ApiLogsProps) {
    super(scope, id);
    this.serviceName = props.serviceName;
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', { name: props.logGroupName, retentionInDays: props.retentionDays ?? 365, kmsKeyId: props.key.encryptLogGroup(props.logGroupName) });
    new CloudwatchLogMetricFilter(this, 'errors', {
      name: `${props.serviceName}-api-errors`,
      logGroupName: this.logGroup.name,
      // Powertools' level key; lines that are not JSON (a crash's stack trace) do not match.
      pattern: '{ $.level = "ERROR" }',
      metricTransformation: { namespace: METRICS_NAMESPACE, name: API_ERRORS_METRIC, value: '1', unit: 'Count', dimensions: { [SERVICE_DIMENSION]: `$.${SERVICE_DIMENSION}` } },
    });
  }

  /** ERROR lines the API logged (requests it failed, a start it could not make). */
  metricErrors(options: { readonly periodSeconds?: number } = {}): Metric {
    return metric(METRICS_NAMESPACE, API_ERRORS_METRIC, { [SERVICE_DIMENSION]: this.serviceName }, { statistic: 'Sum', label: 'API errors', ...options });
  }
}
