/**
 * One dashboard per stage, built from the same metric definitions as the alarms: throughput and
 * failures, time per state, Lambda concurrency and throttles, the dead-letter queues, and what the
 * bill grows with (state transitions, Lambda GB-seconds).
 */
import { BUSINESS_METRICS, CODE_DIMENSION, METRICS_NAMESPACE, SERVICE_DIMENSION, STEP_DIMENSION } from '../../../handlers/runtime/metrics';
import type { PipelineFunction } from '../pipeline/function';
import { WORKER_QUEUE_KINDS, type WorkerQueues } from '../queues/worker-queues';
import type { WorkerService } from '../worker/worker-service';
import type { ImageStateMachine } from '../pipeline/state-machine';
import { dashboardEntry, metric, type Metric } from '../shared/metric';
import type { FleetAlarmSources } from './fleet-alarms';
import { fleetWidgets, type FleetWidget } from './fleet-widgets';

export interface DashboardSources {
  readonly stackName: string;
  readonly region: string;
  readonly functions: readonly { readonly fn: PipelineFunction; readonly memoryMb: number }[];
  readonly stateMachine: ImageStateMachine;
  /** The workflow's Task states and the entrypoint each invokes: the functions report StateDuration by `step`, their entrypoint. */
  readonly taskStates: readonly { readonly state: string; readonly resource: string }[];
  /** States a successful execution passes through: each is a billed transition on Standard. */
  readonly transitionsPerExecution: number;
  readonly deadLetterQueues: readonly { readonly name: string; readonly messagesVisible: Metric }[];
  /** @default no fleet widgets */
  readonly fleet?: Omit<FleetAlarmSources, 'stackName'>;
  /** The worker's queues and service. @default no worker widgets */
  readonly worker?: { readonly queues: WorkerQueues; readonly service: WorkerService };
}

const WIDTH = 12;
const HEIGHT = 6;

type Widget = FleetWidget;

export function dashboardBody(sources: DashboardSources): string {
  const service = { [SERVICE_DIMENSION]: sources.stackName };
  const business = (name: string, options: { statistic?: string; label?: string } = {}, dimensions: Record<string, string> = {}) =>
    metric(METRICS_NAMESPACE, name, { ...service, ...dimensions }, options);
  const failedByCode = `SEARCH('{${METRICS_NAMESPACE},${SERVICE_DIMENSION},${CODE_DIMENSION}} MetricName="${BUSINESS_METRICS.imagesFailed}" ${SERVICE_DIMENSION}="${sources.stackName}"', 'Sum', 60)`;

  const widgets: Widget[] = [
    {
      title: 'Images per minute: succeeded, and failed by code',
      metrics: [dashboardEntry(business(BUSINESS_METRICS.imagesProcessed, { label: 'succeeded' })), [{ expression: failedByCode, label: 'failed', id: 'failed' }]],
    },
    {
      title: 'Executions',
      metrics: ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'].map((name) =>
        dashboardEntry(sources.stateMachine.metric(name, { label: name.replace('Executions', '').toLowerCase() })),
      ),
    },
    {
      title: 'Time per state, p50 and p99 (ms)',
      metrics: sources.taskStates.flatMap(({ state, resource }) =>
        ['p50', 'p99'].map((statistic) => dashboardEntry(business(BUSINESS_METRICS.stateDuration, { statistic, label: `${state} ${statistic}` }, { [STEP_DIMENSION]: resource }))),
      ),
    },
    {
      title: 'Lambda concurrency (max)',
      metrics: sources.functions.map(({ fn }) => dashboardEntry(fn.metric('ConcurrentExecutions', { statistic: 'Maximum', label: shortName(fn, sources.stackName) }))),
    },
    {
      title: 'Lambda errors and throttles',
      metrics: sources.functions.flatMap(({ fn }) =>
        ['Errors', 'Throttles'].map((name) => dashboardEntry(fn.metric(name, { label: `${shortName(fn, sources.stackName)} ${name.toLowerCase()}` }))),
      ),
    },
    {
      title: 'Dead-letter queues: messages waiting',
      metrics: sources.deadLetterQueues.map((queue) => dashboardEntry({ ...queue.messagesVisible, label: queue.name })),
    },
    {
      title: 'Bytes in and out',
      metrics: [dashboardEntry(business(BUSINESS_METRICS.bytesIn, { label: 'uploads validated' })), dashboardEntry(business(BUSINESS_METRICS.bytesOut, { label: 'outputs written' }))],
    },
    { title: 'Cost drivers: state transitions and Lambda GB-seconds per minute', metrics: costDrivers(sources) },
    ...(sources.fleet ? fleetWidgets(sources.fleet) : []),
    ...(sources.worker ? workerWidgets(sources.worker) : []),
  ];

  return JSON.stringify({
    widgets: widgets.map((widget, index) => ({
      type: 'metric',
      x: (index % 2) * WIDTH,
      y: Math.floor(index / 2) * HEIGHT,
      width: WIDTH,
      height: HEIGHT,
      properties: {
        title: widget.title,
        region: widget.region ?? sources.region,
        view: 'timeSeries',
        stacked: false,
        period: 60,
        metrics: widget.metrics,
        ...(widget.annotations ? { annotations: widget.annotations } : {}),
      },
    })),
  });
}

/**
 * The worker's queues (waiting, oldest age, dead letters) and its tasks. ECS reports no task count
 * per capacity provider; Fargate's usage metrics split the account's vCPUs into On-Demand and Spot.
 */
function workerWidgets({ queues, service }: { readonly queues: WorkerQueues; readonly service: WorkerService }): Widget[] {
  const fargateVcpus = (kind: 'OnDemand' | 'Spot') =>
    metric('AWS/Usage', 'ResourceCount', { Service: 'Fargate', Type: 'Resource', Resource: 'vCPU', Class: `Standard/${kind}` }, { statistic: 'Maximum', label: `account Fargate vCPUs, ${kind === 'Spot' ? 'Spot' : 'On-Demand'}` });
  return [
    {
      title: 'Worker queues: messages waiting and in dead-letter queues',
      metrics: WORKER_QUEUE_KINDS.flatMap((kind) => [
        dashboardEntry(queues.metric(kind, 'ApproximateNumberOfMessagesVisible', { label: `${kind} waiting` })),
        dashboardEntry(queues.metric(kind, 'ApproximateNumberOfMessagesNotVisible', { label: `${kind} in progress` })),
        dashboardEntry(queues.metricDeadLetter(kind, 'ApproximateNumberOfMessagesVisible', { label: `${kind} dead letters` })),
      ]),
    },
    {
      title: 'Worker queues: age of the oldest message (s)',
      metrics: WORKER_QUEUE_KINDS.map((kind) => dashboardEntry(queues.metric(kind, 'ApproximateAgeOfOldestMessage', { label: kind }))),
    },
    {
      title: 'Worker tasks, and Fargate vCPUs On-Demand vs Spot',
      metrics: [
        dashboardEntry(service.metricInsights('RunningTaskCount', { label: 'running tasks' })),
        dashboardEntry(service.metricInsights('DesiredTaskCount', { label: 'desired tasks' })),
        dashboardEntry(fargateVcpus('OnDemand')),
        dashboardEntry(fargateVcpus('Spot')),
      ],
    },
    {
      title: 'Worker CPU and memory (% of the task size)',
      metrics: (['CPUUtilization', 'MemoryUtilization'] as const).map((name) => dashboardEntry(service.metric(name, { label: name.replace('Utilization', '').toLowerCase() }))),
    },
  ];
}

/** Transitions ≈ started executions × the states of a success; GB-s = Duration (ms) × memory (GB) / 1000. */
function costDrivers(sources: DashboardSources): unknown[][] {
  const started = dashboardEntry(sources.stateMachine.metric('ExecutionsStarted'), { id: 'started', visible: false });
  const transitions = [{ expression: `started * ${sources.transitionsPerExecution}`, label: `state transitions (≈ ${sources.transitionsPerExecution} per execution)`, id: 'transitions' }];
  const durations = sources.functions.map(({ fn }, index) => dashboardEntry(fn.metric('Duration', { statistic: 'Sum' }), { id: `d${index}`, visible: false }));
  const gigabyteSeconds = sources.functions.map(({ fn, memoryMb }, index) => [
    { expression: `d${index} * ${memoryMb} / 1024 / 1000`, label: `${shortName(fn, sources.stackName)} GB-s`, id: `gbs${index}` },
  ]);
  return [started, transitions, ...durations, ...gigabyteSeconds];
}

function shortName(fn: PipelineFunction, stackName: string): string {
  return fn.grantName.slice(stackName.length + 1);
}
