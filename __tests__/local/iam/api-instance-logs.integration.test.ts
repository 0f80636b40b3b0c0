/**
 * The API instance role's log permissions, as IAM decides them (iam-simulate over the synthesized
 * local stage's role policy): the CloudWatch agent may create its stream and put events in the
 * API's log group, and nothing else of CloudWatch Logs.
 */
import { resourceNames } from '../../../stacks/config/names';
import { decide, validatedPolicy, type Caller } from '../../../local/iam/evaluator';
import { resolveReferences } from '../../../local/iam/references';
import { stackModel } from '../../../local/iam/stack-model';
import { synthesizeStack } from '../../../local/iam/synthesize';
import { localStageConfig } from '../../../local/resources';

const place = { account: '000000000000', region: 'us-east-1' };
let caller: Caller;
let apiLogGroup: string;
beforeAll(() => {
  const config = localStageConfig('local', {});
  const names = resourceNames(config);
  const model = stackModel(synthesizeStack(config), place);
  const profile = model.instanceProfiles[names.apiInstanceProfile]!;
  caller = { roleName: profile.roleName, sessionName: 'i-0123456789abcdef0', policy: validatedPolicy(JSON.parse(resolveReferences(profile.policy, model.references)), profile.roleName, 'identity') };
  apiLogGroup = `arn:aws:logs:us-east-1:000000000000:log-group:${names.apiLogGroup}`;
});

const allowed = (action: string, resource: string) => decide(caller, { action, resource, context: {} }, place).allowed;

describe('the API instance role', () => {
  it('lets the log agent create its stream and put events in the API’s log group', () => {
    expect(allowed('logs:CreateLogStream', `${apiLogGroup}:log-stream:i-0123456789abcdef0`)).toBe(true);
    expect(allowed('logs:PutLogEvents', `${apiLogGroup}:log-stream:i-0123456789abcdef0`)).toBe(true);
  });

  it('writes no other log group, and neither creates, describes, deletes nor retains groups', () => {
    expect(allowed('logs:PutLogEvents', 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/image-processor-local-validate:log-stream:x')).toBe(false);
    expect(allowed('logs:PutLogEvents', `${apiLogGroup}-other:log-stream:x`)).toBe(false);
    for (const action of ['logs:CreateLogGroup', 'logs:DescribeLogStreams', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteLogStream']) {
      expect([action, allowed(action, `${apiLogGroup}:log-stream:i-0123456789abcdef0`)]).toEqual([action, false]);
    }
  });
});
