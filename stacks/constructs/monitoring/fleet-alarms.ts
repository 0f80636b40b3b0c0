/**
 * The fleet's failure modes, as alarms (thresholds from AWS's recommended alarms, as settings):
 * viewers getting 5xx from CloudFront, the load balancer answering 5xx itself or passing on the
 * API's, the API logging errors, a target failing its health check, slow answers (p99), and the
 * group holding fewer instances in service than its minimum.
 */
import type { TerraformProvider } from 'cdktf';
import type { ApiLogs } from '../fleet/api-logs';
import type { FleetEntry } from '../fleet/entry';
import type { FleetInstances } from '../fleet/instances';
import type { FleetLoadBalancer } from '../fleet/load-balancer';
import type { AlarmSpec } from './alarms';

export interface FleetAlarmSources {
  readonly stackName: string;
  readonly loadBalancer: FleetLoadBalancer;
  readonly instances: FleetInstances;
  /** The API's log group, whose metric filter counts its ERROR lines. */
  readonly apiLogs: ApiLogs;
  /** The distribution, when the fleet has one, and the us-east-1 provider its metrics (and so its alarm) live with. */
  readonly entry?: { readonly distribution: FleetEntry; readonly provider: TerraformProvider };
}

export interface FleetAlarmThresholds {
  /** Share of requests answered 5xx (CloudFront's, the load balancer's own, the targets'). */
  readonly errorRatePercent: number;
  /** p99 of the targets' response time. */
  readonly responseTimeP99Ms: number;
}

const FIVE_MINUTES = 300;

export function fleetAlarms(sources: FleetAlarmSources, thresholds: FleetAlarmThresholds): AlarmSpec[] {
  const { stackName: stack, loadBalancer, instances } = sources;
  const alarms: AlarmSpec[] = [];
  if (sources.entry) {
    alarms.push({
      id: 'fleet_cloudfront_5xx_rate',
      alarmName: `${stack}-cloudfront-5xx-rate`,
      description: `More than ${thresholds.errorRatePercent}% of the gallery's viewer requests got a 5xx from CloudFront over 5 minutes: the origin (load balancer, API) or CloudFront itself is failing.`,
      metric: { ...sources.entry.distribution.metric('5xxErrorRate'), periodSeconds: FIVE_MINUTES },
      threshold: thresholds.errorRatePercent,
      provider: sources.entry.provider,
    });
  }
  const requests = loadBalancer.metric('RequestCount', { statistic: 'Sum' });
  const rate = (id: string, alarmName: string, description: string, errors: ReturnType<FleetLoadBalancer['metric']>): void => {
    alarms.push({
      id,
      alarmName,
      description,
      metric: { expression: '100 * FILL(errors, 0) / MAX([FILL(requests, 0), 1])', label: '5xx share of requests (%)', metrics: { errors: { ...errors, periodSeconds: FIVE_MINUTES }, requests: { ...requests, periodSeconds: FIVE_MINUTES } }, periodSeconds: FIVE_MINUTES },
      threshold: thresholds.errorRatePercent,
    });
  };
  rate('fleet_alb_5xx_rate', `${stack}-alb-5xx-rate`, `More than ${thresholds.errorRatePercent}% of the load balancer's requests got a 5xx it made itself (502/503/504: no healthy target, a target that closed or timed out).`, loadBalancer.metric('HTTPCode_ELB_5XX_Count', { statistic: 'Sum' }));
  rate('fleet_target_5xx_rate', `${stack}-api-5xx-rate`, `More than ${thresholds.errorRatePercent}% of the API's answers were 5xx: it failed requests (its log says why, with the request id).`, loadBalancer.metricTargets('HTTPCode_Target_5XX_Count', { statistic: 'Sum' }));
  alarms.push({
    id: 'fleet_api_errors',
    alarmName: `${stack}-api-errors`,
    description: "The API logged an error over 5 minutes: it failed a request (answered 500) or could not start. The saved query api-errors-by-route shows which, with the request id.",
    metric: sources.apiLogs.metricErrors({ periodSeconds: FIVE_MINUTES }),
    threshold: 1,
  });
  alarms.push({
    id: 'fleet_unhealthy_hosts',
    alarmName: `${stack}-api-unhealthy-hosts`,
    description: 'An API instance fails its /healthz check: the load balancer stopped sending it requests and the group will replace it.',
    metric: loadBalancer.metricTargets('UnHealthyHostCount', { statistic: 'Maximum' }),
    threshold: 1,
  });
  alarms.push({
    id: 'fleet_response_time',
    alarmName: `${stack}-api-response-time-p99`,
    description: `The API's slowest answers (p99 over 5 minutes) take ${thresholds.responseTimeP99Ms} ms or more.`,
    metric: { ...loadBalancer.metricTargets('TargetResponseTime', { statistic: 'p99' }), periodSeconds: FIVE_MINUTES },
    threshold: thresholds.responseTimeP99Ms / 1000,
  });
  alarms.push({
    id: 'fleet_in_service_below_minimum',
    alarmName: `${stack}-api-in-service-below-minimum`,
    description: 'For 5 minutes the group has had fewer instances in service than its minimum: launches fail (capacity, the launch template, the boot script) or instances fail their health check.',
    metric: {
      expression: 'IF(FILL(inService, 0) < minSize, 1, 0)',
      label: 'below minimum',
      metrics: { inService: instances.metric('GroupInServiceInstances', { statistic: 'Minimum' }), minSize: instances.metric('GroupMinSize', { statistic: 'Maximum' }) },
      periodSeconds: 60,
    },
    threshold: 1,
    evaluationPeriods: 5,
    // The group publishes these every minute: no data means it is not reporting at all.
    treatMissingData: 'breaching',
  });
  return alarms;
}
