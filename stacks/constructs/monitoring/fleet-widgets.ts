/**
 * The fleet's part of the stage's dashboard, from the fleet constructs' metric*() definitions:
 * instances by purchase option, CPU against the scaling target, the load balancer's requests,
 * latency and 5xx beside the errors the API logged, and CloudFront's error rate.
 */
import type { FleetAlarmSources } from './fleet-alarms';
import { dashboardEntry } from '../shared/metric';

export interface FleetWidget {
  readonly title: string;
  readonly metrics: unknown[][];
  /** @default the stage's region */
  readonly region?: string;
  readonly annotations?: { readonly horizontal: readonly { readonly label: string; readonly value: number }[] };
}

export function fleetWidgets(fleet: Omit<FleetAlarmSources, 'stackName'>): FleetWidget[] {
  const { instances, loadBalancer } = fleet;
  const { base, percentAboveBase } = instances.onDemand;
  // The group reports no purchase option; the policy decides it: the base is On-Demand, then percentAboveBase % of the rest.
  const onDemand = `IF(inService > ${base}, ${base} + (inService - ${base}) * ${percentAboveBase} / 100, inService)`;
  const widgets: FleetWidget[] = [
    {
      title: 'API instances in service: On-Demand and Spot (by the mixed instances policy)',
      metrics: [
        dashboardEntry(instances.metric('GroupInServiceInstances', { label: 'in service' }), { id: 'inService', visible: false }),
        [{ expression: onDemand, label: 'On-Demand', id: 'onDemand' }],
        [{ expression: 'inService - onDemand', label: 'Spot', id: 'spot' }],
        dashboardEntry(instances.metric('GroupDesiredCapacity', { label: 'desired' })),
      ],
    },
    {
      title: `API instances' average CPU (%) against the ${instances.targetCpuPercent}% scaling target`,
      metrics: [dashboardEntry(instances.metricCpu({ label: 'average CPU' }))],
      annotations: { horizontal: [{ label: 'target tracking', value: instances.targetCpuPercent }] },
    },
    {
      title: 'Load balancer: requests and 5xx per minute, and the errors the API logged',
      metrics: [
        dashboardEntry(loadBalancer.metric('RequestCount', { statistic: 'Sum', label: 'requests' })),
        dashboardEntry(loadBalancer.metric('HTTPCode_ELB_5XX_Count', { statistic: 'Sum', label: 'load balancer 5xx' })),
        dashboardEntry(loadBalancer.metricTargets('HTTPCode_Target_5XX_Count', { statistic: 'Sum', label: 'API 5xx' })),
        dashboardEntry(fleet.apiLogs.metricErrors()),
      ],
    },
    {
      title: 'API response time, p50 and p99 (s), and unhealthy instances',
      metrics: [
        ...['p50', 'p99'].map((statistic) => dashboardEntry(loadBalancer.metricTargets('TargetResponseTime', { statistic, label: `response ${statistic}` }))),
        dashboardEntry(loadBalancer.metricTargets('UnHealthyHostCount', { statistic: 'Maximum', label: 'unhealthy instances' })),
      ],
    },
  ];
  if (fleet.entry) {
    widgets.push({ title: 'CloudFront: viewer 5xx error rate (%)', region: 'us-east-1', metrics: [dashboardEntry(fleet.entry.distribution.metric('5xxErrorRate', { label: '5xx error rate' }))] });
  }
  return widgets;
}
