/** What the fleet settings refuse before a plan: interface endpoints a VPC without NAT cannot do without. */
import { ConfigError } from '../../../stacks/config/errors';
import { loadStageConfigs } from '../../../stacks/config/resolve';

function problems(env: Record<string, string>): string[] {
  try {
    loadStageConfigs({ env: { IMAGE_PROCESSOR_STAGES: 'dev', ...env } });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

const EXISTING_VPC = { IMAGE_PROCESSOR_FLEET_VPC_ID: 'vpc-0123456789abcdef0', IMAGE_PROCESSOR_FLEET_PRIVATE_SUBNET_IDS: 'subnet-0000000c,subnet-0000000d' };

describe('the fleet’s interface endpoint setting', () => {
  it('defaults to CloudWatch Logs and SQS', () => {
    expect(loadStageConfigs({ env: { IMAGE_PROCESSOR_STAGES: 'dev' } })[0]!.settings.fleetInterfaceEndpoints).toEqual(['logs', 'sqs']);
  });

  it('refuses to leave one out with the VPC the stack creates, which has no other way to them', () => {
    expect(problems({ IMAGE_PROCESSOR_FLEET_INTERFACE_ENDPOINTS: 'logs' })).toEqual([
      'image-processor-dev: expected fleetInterfaceEndpoints to include sqs with the VPC the stack creates (it has no NAT: the endpoints are the instances’ only way to CloudWatch Logs and SQS), but it lacks them.',
    ]);
    expect(problems({ IMAGE_PROCESSOR_FLEET_INTERFACE_ENDPOINTS: '[]' })).toEqual([expect.stringContaining('to include logs and sqs with the VPC the stack creates')]);
  });

  it('accepts none with a VPC of the user’s, whose NAT or endpoints reach the services', () => {
    expect(problems({ ...EXISTING_VPC, IMAGE_PROCESSOR_FLEET_INTERFACE_ENDPOINTS: '[]' })).toEqual([]);
    expect(loadStageConfigs({ env: { IMAGE_PROCESSOR_STAGES: 'dev', ...EXISTING_VPC, IMAGE_PROCESSOR_FLEET_INTERFACE_ENDPOINTS: '' } })[0]!.settings.fleetInterfaceEndpoints).toEqual([]);
  });

  it('refuses a service it cannot make an endpoint for, and one named twice', () => {
    expect(problems({ IMAGE_PROCESSOR_FLEET_INTERFACE_ENDPOINTS: 'logs,sqs,ec2' })).toEqual([expect.stringMatching(/^Expected fleetInterfaceEndpoints \(from IMAGE_PROCESSOR_FLEET_INTERFACE_ENDPOINTS\) to be a list .* each one of logs, sqs \(item 3 is not: "ec2"\)/)]);
    expect(problems({ IMAGE_PROCESSOR_FLEET_INTERFACE_ENDPOINTS: 'logs,sqs,logs' })).toEqual(['image-processor-dev: expected fleetInterfaceEndpoints to name each service once, but it names logs, sqs, logs.']);
  });
});
