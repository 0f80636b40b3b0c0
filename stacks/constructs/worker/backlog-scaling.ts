/**
 * Scales the worker service on its backlog per task (docs/architecture.md, *Worker autoscaling*):
 * target tracking on `(visible messages of both queues) ÷ running tasks` (÷ 1 with none running), computed with
 * metric math, toward `acceptable latency ÷ seconds per image` messages per task. Target tracking
 * cannot leave zero tasks by itself (its desired count is the current count times a ratio), so a
 * step policy starts the first task when messages wait and none runs; scaling in goes down to
 * `minTasks`, which may be 0.
 */
import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Metric } from '../shared/metric';

export interface BacklogScalingProps {
  readonly namePrefix: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /** ApproximateNumberOfMessagesVisible of each queue the service takes from. */
  readonly backlog: readonly Metric[];
  /** The service's running tasks (Container Insights RunningTaskCount). */
  readonly runningTasks: Metric;
  /** Messages per task to hold: acceptable latency ÷ seconds per image. */
  readonly targetBacklogPerTask: number;
  /** @default 0 */
  readonly minTasks?: number;
  readonly maxTasks: number;
  /** Seconds after a scale-out before another. @default 60 */
  readonly scaleOutCooldownSeconds?: number;
  /** Seconds after a scale-in before another: longer, so a pause between albums does not stop tasks. @default 300 */
  readonly scaleInCooldownSeconds?: number;
}

/** The metric math, as the policy and docs/architecture.md state it. */
export function backlogPerTaskExpression(queues: number): string {
  const visible = `(${Array.from({ length: queues }, (_, index) => `FILL(q${index}, 0)`).join(' + ')})`;
  return `IF(FILL(running, 0) > 0, ${visible} / FILL(running, 0), ${visible})`;
}

/** Backlog divided evenly, rounded down, and at least one message: a target of 0 would never settle. */
export function targetBacklogPerTask(acceptableLatencySeconds: number, secondsPerImage: number): number {
  return Math.max(1, Math.floor(acceptableLatencySeconds / secondsPerImage));
}

export class BacklogScaling extends Construct {
  readonly target: AppautoscalingTarget;
  readonly backlogPolicy: AppautoscalingPolicy;
  readonly startPolicy: AppautoscalingPolicy;
  readonly startAlarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: BacklogScalingProps) {
    super(scope, id);
    this.target = new AppautoscalingTarget(this, 'target', {
      serviceNamespace: 'ecs',
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: props.minTasks ?? 0,
      maxCapacity: props.maxTasks,
    });
    const scalable = { serviceNamespace: this.target.serviceNamespace, resourceId: this.target.resourceId, scalableDimension: this.target.scalableDimension };
    const stat = (id: string, source: Metric) => ({
      id,
      returnData: false,
      metricStat: {
        metric: { namespace: source.namespace, metricName: source.metricName, dimensions: Object.entries(source.dimensions).map(([name, value]) => ({ name, value })) },
        stat: source.statistic,
      },
    });

    this.backlogPolicy = new AppautoscalingPolicy(this, 'backlog_per_task', {
      name: `${props.namePrefix}-worker-backlog-per-task`,
      policyType: 'TargetTrackingScaling',
      ...scalable,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: props.targetBacklogPerTask,
        scaleOutCooldown: props.scaleOutCooldownSeconds ?? 60,
        scaleInCooldown: props.scaleInCooldownSeconds ?? 300,
        customizedMetricSpecification: {
          metrics: [
            ...props.backlog.map((queue, index) => stat(`q${index}`, queue)),
            stat('running', props.runningTasks),
            { id: 'backlog_per_task', expression: backlogPerTaskExpression(props.backlog.length), label: 'Messages waiting per running task', returnData: true },
          ],
        },
      },
    });

    this.startPolicy = new AppautoscalingPolicy(this, 'start_from_zero', {
      name: `${props.namePrefix}-worker-start-from-zero`,
      policyType: 'StepScaling',
      ...scalable,
      stepScalingPolicyConfiguration: {
        adjustmentType: 'ChangeInCapacity',
        cooldown: props.scaleOutCooldownSeconds ?? 60,
        metricAggregationType: 'Maximum',
        stepAdjustment: [{ metricIntervalLowerBound: '0', scalingAdjustment: 1 }],
      },
    });
    const periodSeconds = 60;
    const query = (id: string, source: Metric) => ({
      id,
      returnData: false,
      metric: { namespace: source.namespace, metricName: source.metricName, dimensions: { ...source.dimensions }, stat: source.statistic, period: periodSeconds },
    });
    const waiting = props.backlog.map((_, index) => `FILL(q${index}, 0)`).join(' + ');
    this.startAlarm = new CloudwatchMetricAlarm(this, 'start_from_zero_alarm', {
      alarmName: `${props.namePrefix}-worker-messages-wait-with-no-task`,
      alarmDescription: 'Worker messages wait and no worker task runs: starts one (the backlog policy takes over from there).',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      alarmActions: [this.startPolicy.arn],
      metricQuery: [
        ...props.backlog.map((queue, index) => query(`q${index}`, queue)),
        query('running', props.runningTasks),
        { id: 'waiting_with_no_task', expression: `IF(FILL(running, 0) == 0, ${waiting}, 0)`, label: 'Messages waiting while no task runs', returnData: true },
      ],
    });
  }
}
