/**
 * Monitoring of one stage: an encrypted alarm topic (only this account's CloudWatch alarms may
 * publish to it) with an optional e-mail subscription, an alarm for every failure mode of the
 * pipeline (alarms.ts) and of the worker (worker-alarms.ts), one dashboard (dashboard.ts) and the saved Logs Insights queries.
 */
import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { policyDocument } from '../shared/iam';
import type { StackKey } from '../shared/stack-key';
import { Alarm } from './alarm';
import { pipelineAlarms, type AlarmSources } from './alarms';
import { fleetAlarms, type FleetAlarmSources, type FleetAlarmThresholds } from './fleet-alarms';
import { dashboardBody, type DashboardSources } from './dashboard';
import { SavedQueries } from './queries';
import { workerAlarms, type WorkerAlarmSources } from './worker-alarms';

export interface MonitoringProps {
  readonly stackName: string;
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  /** Encrypts the alarm topic; its policy lets CloudWatch alarms of this account use it. */
  readonly key: StackKey;
  readonly alarms: Omit<AlarmSources, 'stackName'>;
  /** The worker's queues and service. @default no worker alarms */
  readonly worker?: WorkerAlarmSources;
  readonly dashboard: Omit<DashboardSources, 'stackName' | 'region'>;
  /** The pipeline's log groups (functions, state machine, worker), for the saved queries. */
  readonly logGroupNames: readonly string[];
  /** The API instances' log group, for the saved queries. @default no API queries */
  readonly apiLogGroupName?: string;
  /** Subscribed to the alarm topic. @default no subscription */
  readonly alarmEmail?: string;
  /** p99 Duration at or above this share of a function's timeout alarms. @default 80 */
  readonly durationAlarmPercent?: number;
  /** The API fleet's load balancer, group and entry: their alarms, and their widgets on the dashboard. @default no fleet */
  readonly fleet?: Omit<FleetAlarmSources, 'stackName'>;
  /** @default 5% of requests with a 5xx, p99 response time 1000 ms */
  readonly fleetThresholds?: FleetAlarmThresholds;
}

export class Monitoring extends Construct {
  readonly alarmTopic: SnsTopic;
  readonly alarms: readonly Alarm[];
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = new SnsTopic(this, 'alarm_topic', { name: `${props.stackName}-alarms`, kmsMasterKeyId: props.key.arn });
    new SnsTopicPolicy(this, 'alarm_topic_policy', {
      arn: this.alarmTopic.arn,
      policy: policyDocument([
        {
          Sid: 'CloudWatchAlarmsOfThisAccountPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: this.alarmTopic.arn,
          Condition: {
            StringEquals: { 'aws:SourceAccount': props.accountId },
            ArnLike: { 'aws:SourceArn': `arn:${props.partition}:cloudwatch:${props.region}:${props.accountId}:alarm:*` },
          },
        },
      ]),
    });
    if (props.alarmEmail) {
      new SnsTopicSubscription(this, 'alarm_email', { topicArn: this.alarmTopic.arn, protocol: 'email', endpoint: props.alarmEmail });
    }

    const specs = [
      ...pipelineAlarms({ stackName: props.stackName, ...props.alarms }, { durationPercentOfTimeout: props.durationAlarmPercent ?? 80 }),
      ...(props.fleet ? fleetAlarms({ stackName: props.stackName, ...props.fleet }, props.fleetThresholds ?? { errorRatePercent: 5, responseTimeP99Ms: 1000 }) : []),
      ...(props.worker ? workerAlarms(props.stackName, props.worker) : []),
    ];
    this.alarms = specs.map(({ id: alarmId, ...spec }) => new Alarm(this, alarmId, { ...spec, actions: [this.alarmTopic.arn] }));

    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.stackName,
      dashboardBody: dashboardBody({ stackName: props.stackName, region: props.region, ...props.dashboard, ...(props.fleet ? { fleet: props.fleet } : {}) }),
    });
    new SavedQueries(this, 'queries', { stackName: props.stackName, logGroupNames: props.logGroupNames, ...(props.apiLogGroupName ? { apiLogGroupName: props.apiLogGroupName } : {}) });
  }
}
