import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Testing } from 'cdktf';
import { Reconciler } from '../../../../stacks/constructs/pipeline/reconciler';
import { EXPRESS_TIMEOUTS, resources, statements, synthJson, testStack, type TerraformJson } from '../../support';

const FN = { functionName: 'p-reconcile', arn: 'arn:aws:lambda:us-east-1:123456789012:function:p-reconcile' };
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:p-pipeline';

function synth(sweepMinutes?: number): string {
  return Testing.synthScope((scope) => {
    new Reconciler(scope, 'reconciler', { namePrefix: 'p', function: FN, stateMachineArn: MACHINE, accountId: '123456789012', ...(sweepMinutes ? { sweepMinutes } : {}) });
  });
}

describe('Reconciler', () => {
  it('hears exactly this state machine’s executions that end FAILED, TIMED_OUT or ABORTED', () => {
    const rule = Object.values(resources(JSON.parse(synth()) as TerraformJson, 'aws_cloudwatch_event_rule')).find((candidate) => candidate.event_pattern);
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [MACHINE] },
    });
  });

  it('sweeps every 15 minutes by default, and as configured', () => {
    expect(synth()).toHaveResourceWithProperties(CloudwatchEventRule, { name: 'p-reconcile-sweep', schedule_expression: 'rate(15 minutes)' });
    expect(synth(1)).toHaveResourceWithProperties(CloudwatchEventRule, { schedule_expression: 'rate(1 minute)' });
  });

  it('delivers both to the function with retries and a dead-letter queue only these rules may write to', () => {
    const synthesized = synth();
    const json = JSON.parse(synthesized) as TerraformJson;
    const targets = Object.values(resources(json, 'aws_cloudwatch_event_target'));
    expect(targets).toHaveLength(2);
    for (const target of targets) {
      expect(target).toMatchObject({ arn: FN.arn, retry_policy: { maximum_retry_attempts: 24, maximum_event_age_in_seconds: 86400 }, dead_letter_config: { arn: expect.stringMatching(/aws_sqs_queue/) } });
    }
    expect(synthesized).toHaveResourceWithProperties(CloudwatchEventTarget, { arn: FN.arn });
    expect(synthesized).toHaveResourceWithProperties(LambdaPermission, { principal: 'events.amazonaws.com', source_account: '123456789012', function_name: FN.functionName });
    const policy = statements(Object.values(resources(json, 'aws_sqs_queue_policy'))[0].policy as string);
    expect(policy).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': [expect.stringMatching(/execution_closed/), expect.stringMatching(/sweep/)] } },
      }),
    ]);
  });

  it('is wired to the reconcile function in the stack, which knows when a job is stuck', async () => {
    const json = synthJson(await testStack());
    const fn = resources(json, 'aws_lambda_function').functions_reconcile_function;
    expect(fn.environment.variables.JOB_STALE_AFTER_SECONDS).toBe('3900');
    for (const target of Object.values(resources(json, 'aws_cloudwatch_event_target'))) expect(target.arn).toBe('${aws_lambda_function.functions_reconcile_function.arn}');
    const express = synthJson(await testStack({ env: { ...EXPRESS_TIMEOUTS }, context: { settings: { workflowType: 'EXPRESS' } } }));
    expect(resources(express, 'aws_lambda_function').functions_reconcile_function.environment.variables.JOB_STALE_AFTER_SECONDS).toBe('600');
  });
});
