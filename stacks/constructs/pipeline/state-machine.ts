/**
 * The Step Functions state machine from the definition in `asl/`, with the task functions' ARNs
 * rendered in; its role ({@link ServiceRole}) may invoke only those functions, and it logs to its
 * own log group with X-Ray tracing on.
 */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import type { WorkerRoute } from '../../../asl/definition';
import { executionTimeoutSeconds, renderDefinition } from '../../../asl/render';
import type { TaskEntrypointName } from '../../../handlers/runtime/manifest';
import { RESOURCE_STAR_ACTIONS, type Grantable } from '../shared/iam';
import { metric, type Metric } from '../shared/metric';
import type { WorkerQueues } from '../queues/worker-queues';
import { ServiceRole } from '../shared/role';
import type { LogGroupKey } from '../shared/stack-key';

export interface ImageStateMachineProps {
  readonly stateMachineName: string;
  /** The function each Task state invokes. */
  readonly functions: Readonly<Record<TaskEntrypointName, { readonly arn: string }>>;
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  /** @default 'STANDARD' */
  readonly type?: 'STANDARD' | 'EXPRESS';
  /** @default 'ERROR' */
  readonly logLevel?: 'ALL' | 'ERROR' | 'FATAL' | 'OFF';
  /** Log state input and output. @default false */
  readonly includeExecutionData?: boolean;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** The key that encrypts its log group (its policy then lets CloudWatch Logs use it for that group alone). */
  readonly logKey: LogGroupKey;
  /**
   * The heavy-image route: ChooseProcessor's thresholds, ProcessOnWorker's waits, and the grant to
   * send to the heavy queue. Only a Standard workflow can wait for a task token. @default none: every image takes the Lambda path
   */
  readonly worker?: Omit<WorkerRoute, 'queueUrl'> & { readonly queues: WorkerQueues };
}

export class ImageStateMachine extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  /** The longest an execution may run: the definition's TimeoutSeconds, within the workflow type's own limit. */
  readonly timeoutSeconds: number;
  private readonly executionArnPattern: string;

  constructor(scope: Construct, id: string, props: ImageStateMachineProps) {
    super(scope, id);
    const functionArns = Object.values(props.functions).map((fn) => fn.arn);

    // The vended-logs prefix keeps CloudWatch's resource policy small however many machines log.
    const logGroupName = `/aws/vendedlogs/states/${props.stateMachineName}`;
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', {
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? 365,
      kmsKeyId: props.logKey.encryptLogGroup(logGroupName),
    });

    this.role = new ServiceRole(this, {
      name: props.stateMachineName,
      description: `Execution role of the ${props.stateMachineName} state machine only`,
      service: 'states.amazonaws.com',
      // Only Step Functions, on behalf of this account and this state machine, may assume it.
      trustConditions: {
        StringEquals: { 'aws:SourceAccount': props.accountId },
        ArnLike: { 'aws:SourceArn': `arn:${props.partition}:states:${props.region}:${props.accountId}:stateMachine:${props.stateMachineName}` },
      },
    });
    this.role.addToRolePolicy({
      Sid: 'InvokeTaskFunctions',
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: functionArns.flatMap((arn) => [arn, `${arn}:*`]),
    });
    this.role.addToRolePolicy({
      Sid: 'DeliverExecutionLogs',
      Effect: 'Allow',
      Action: RESOURCE_STAR_ACTIONS.filter((action) => action.startsWith('logs:')),
      Resource: '*',
    });
    this.role.addToRolePolicy({
      Sid: 'WriteTraces',
      Effect: 'Allow',
      Action: RESOURCE_STAR_ACTIONS.filter((action) => action.startsWith('xray:')),
      Resource: '*',
    });

    const type = props.type ?? 'STANDARD';
    if (props.worker && type !== 'STANDARD') throw new Error('Expected a STANDARD state machine for the worker route: an EXPRESS workflow cannot wait for a task token.');
    const worker = props.worker;
    worker?.queues.grantSend(this.role, 'heavy');
    const definition = renderDefinition(
      Object.fromEntries(Object.entries(props.functions).map(([name, fn]) => [name, fn.arn])) as Record<TaskEntrypointName, string>,
      worker && { threshold: worker.threshold, heartbeatSeconds: worker.heartbeatSeconds, timeoutSeconds: worker.timeoutSeconds, queueUrl: worker.queues.url('heavy') },
    );
    this.timeoutSeconds = executionTimeoutSeconds(type);
    this.executionArnPattern = `arn:${props.partition}:states:${props.region}:${props.accountId}:execution:${props.stateMachineName}:*`;

    this.stateMachine = new SfnStateMachine(this, 'state_machine', {
      name: props.stateMachineName,
      type,
      roleArn: this.role.arn,
      definition,
      loggingConfiguration: {
        logDestination: `${this.logGroup.arn}:*`,
        level: props.logLevel ?? 'ERROR',
        includeExecutionData: props.includeExecutionData ?? false,
      },
      tracingConfiguration: { enabled: true },
      dependsOn: [this.role.policy],
    });
  }

  get arn(): string {
    return this.stateMachine.arn;
  }

  /** An AWS/States metric of this state machine: ExecutionsFailed, ExecutionsTimedOut, ExecutionThrottled, ExecutionTime… */
  metric(metricName: string, options: { readonly statistic?: string; readonly label?: string } = {}): Metric {
    return metric('AWS/States', metricName, { StateMachineArn: this.stateMachine.arn }, options);
  }

  /** Starts executions (start-workflow). */
  grantStartExecution(grantee: Grantable): void {
    grantee.addToRolePolicy({ Sid: 'StartExecution', Effect: 'Allow', Action: 'states:StartExecution', Resource: this.stateMachine.arn });
  }

  /**
   * Reports on the tasks this state machine waits for by token: heartbeat, success, failure (the
   * worker). IAM knows no resource for these actions (a token is its own authority), so `*`.
   */
  grantTaskResponse(grantee: Grantable): void {
    grantee.addToRolePolicy({ Sid: 'RespondToTasks', Effect: 'Allow', Action: RESOURCE_STAR_ACTIONS.filter((action) => action.startsWith('states:SendTask')), Resource: '*' });
  }

  /** Describes this state machine's executions (the reconciler's sweep). */
  grantDescribeExecutions(grantee: Grantable): void {
    grantee.addToRolePolicy({ Sid: 'DescribeExecutions', Effect: 'Allow', Action: 'states:DescribeExecution', Resource: this.executionArnPattern });
  }
}
