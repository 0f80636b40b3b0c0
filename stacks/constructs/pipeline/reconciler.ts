/**
 * What brings the reconciler its work (handlers/steps/reconcile.ts): an EventBridge rule for this
 * state machine's executions that end FAILED, TIMED_OUT or ABORTED, and a schedule for the sweep
 * that catches what an event could not (a lost event, an execution that never started). Events
 * the function cannot take after EventBridge's retries are kept in an encrypted dead-letter queue.
 */
import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { policyDocument } from '../shared/iam';

export interface ReconcilerProps {
  /** Prefix of every name: `<prefix>-reconcile-closed-executions`, `<prefix>-reconcile-sweep`, `<prefix>-reconcile-dlq`. */
  readonly namePrefix: string;
  /** The reconcile function. */
  readonly function: { readonly functionName: string; readonly arn: string };
  readonly stateMachineArn: string;
  /** The account the rules belong to: the function may be invoked only on their behalf. */
  readonly accountId: string;
  /** Minutes between sweeps. @default 15 */
  readonly sweepMinutes?: number;
  /** Days the dead-letter queue keeps events the reconciler could not take. @default 14 */
  readonly failedEventRetentionDays?: number;
}

/** EventBridge's own retry of a failed delivery, before the dead-letter queue. */
const DELIVERY_RETRY = { maximumRetryAttempts: 24, maximumEventAgeInSeconds: 86_400 };

export class Reconciler extends Construct {
  readonly executionClosed: CloudwatchEventRule;
  readonly sweep: CloudwatchEventRule;
  readonly failedEvents: SqsQueue;

  constructor(scope: Construct, id: string, props: ReconcilerProps) {
    super(scope, id);
    const minutes = props.sweepMinutes ?? 15;
    this.executionClosed = new CloudwatchEventRule(this, 'execution_closed', {
      name: `${props.namePrefix}-reconcile-closed-executions`,
      description: 'Executions of the image pipeline that ended FAILED, TIMED_OUT or ABORTED, for the reconciler',
      eventPattern: JSON.stringify({
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [props.stateMachineArn] },
      }),
    });
    this.sweep = new CloudwatchEventRule(this, 'sweep', {
      name: `${props.namePrefix}-reconcile-sweep`,
      description: 'The reconciler’s sweep for jobs open longer than an execution may run',
      scheduleExpression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`,
    });
    this.failedEvents = new SqsQueue(this, 'failures', {
      name: `${props.namePrefix}-reconcile-dlq`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: (props.failedEventRetentionDays ?? 14) * 86_400,
    });
    const rules = [this.executionClosed, this.sweep];
    new SqsQueuePolicy(this, 'failures_policy', {
      queueUrl: this.failedEvents.url,
      policy: policyDocument([
        {
          Sid: 'KeepUndeliveredReconcilerEvents',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: this.failedEvents.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': rules.map((rule) => rule.arn) } },
        },
      ]),
    });
    for (const [name, rule] of [['execution_closed', this.executionClosed], ['sweep', this.sweep]] as const) {
      const permission = new LambdaPermission(this, `${name}_invoke_permission`, {
        statementId: `AllowEventBridge${name === 'sweep' ? 'Sweep' : 'ExecutionClosed'}`,
        action: 'lambda:InvokeFunction',
        functionName: props.function.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: rule.arn,
        sourceAccount: props.accountId,
      });
      new CloudwatchEventTarget(this, `${name}_target`, {
        rule: rule.name,
        arn: props.function.arn,
        retryPolicy: DELIVERY_RETRY,
        deadLetterConfig: { arn: this.failedEvents.arn },
        dependsOn: [permission],
      });
    }
  }
}
