import { Testing } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import type { TaskEntrypointName } from '../../../../handlers/runtime/manifest';
import { ImageStateMachine, type ImageStateMachineProps } from '../../../../stacks/constructs/pipeline/state-machine';
import { list, only, statements, TEST_LOG_KEY, type TerraformJson } from '../../support';

const TASKS: TaskEntrypointName[] = ['validate', 'resize', 'filters', 'optimize', 'notify-success', 'notify-error'];
const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:image-processor-dev-${name}`;
const BASE: ImageStateMachineProps = {
  stateMachineName: 'image-processor-dev-pipeline',
  logKey: TEST_LOG_KEY,
  functions: Object.fromEntries(TASKS.map((name) => [name, { arn: arn(name) }])) as ImageStateMachineProps['functions'],
  accountId: '123456789012',
  partition: 'aws',
  region: 'us-east-1',
};

const synth = (props: Partial<ImageStateMachineProps> = {}) =>
  Testing.synthScope((scope) => new ImageStateMachine(scope, 'workflow', { ...BASE, ...props }));

describe('ImageStateMachine', () => {
  it('renders asl/ with the functions’ ARNs and no substitution left', () => {
    const json = JSON.parse(synth()) as TerraformJson;
    const machine = only(json, 'aws_sfn_state_machine');
    const definition = JSON.parse(machine.definition) as { StartAt: string; States: Record<string, { Resource?: string }> };
    expect(definition.StartAt).toBe('ValidateImage');
    expect(definition.States.ValidateImage?.Resource).toBe(arn('validate'));
    expect(definition.States.NotifyError?.Resource).toBe(arn('notify-error'));
    expect(machine.definition).not.toMatch(/\$\{\w+FunctionArn\}/);
  });

  it('is STANDARD with ERROR logging to its own log group and X-Ray by default', () => {
    const synthesized = synth();
    expect(synthesized).toHaveResourceWithProperties(SfnStateMachine, {
      name: 'image-processor-dev-pipeline',
      type: 'STANDARD',
      logging_configuration: { level: 'ERROR', include_execution_data: false, log_destination: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..+\.arn\}:\*$/) },
      tracing_configuration: { enabled: true },
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/aws/vendedlogs/states/image-processor-dev-pipeline', retention_in_days: 365 });
  });

  it('switches to EXPRESS and ALL logging by configuration', () => {
    expect(synth({ type: 'EXPRESS', logLevel: 'ALL', includeExecutionData: true, logRetentionDays: 365 })).toHaveResourceWithProperties(SfnStateMachine, {
      type: 'EXPRESS',
      logging_configuration: expect.objectContaining({ level: 'ALL', include_execution_data: true }),
    });
  });

  it('has a role that may invoke only its task functions, assumable only by Step Functions for this machine', () => {
    const json = JSON.parse(synth()) as TerraformJson;
    const [invoke, logs, traces] = statements(only(json, 'aws_iam_role_policy').policy);
    expect(invoke).toEqual({
      Sid: 'InvokeTaskFunctions',
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: TASKS.flatMap((name) => [arn(name), `${arn(name)}:*`]),
    });
    expect(list(logs!.Action).every((action) => action.startsWith('logs:'))).toBe(true);
    expect(list(traces!.Action).every((action) => action.startsWith('xray:'))).toBe(true);
    const [trust] = statements(only(json, 'aws_iam_role').assume_role_policy);
    expect(trust).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'states.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: { 'aws:SourceArn': 'arn:aws:states:us-east-1:123456789012:stateMachine:image-processor-dev-pipeline' },
      },
    });
  });
});
