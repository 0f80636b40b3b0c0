import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { synth } from '../../../stacks/app';
import { describeDeployment, resourcesOfConfiguration } from '../../../tools/cost/deployment';
import { ROOT } from '../../stacks/support';

/** Step timeouts that fit an Express execution's 5 minutes, which the settings check. */
const EXPRESS_TIMEOUTS = {
  IMAGE_PROCESSOR_VALIDATE_TIMEOUT_SECONDS: '60',
  IMAGE_PROCESSOR_RESIZE_TIMEOUT_SECONDS: '60',
  IMAGE_PROCESSOR_FILTERS_TIMEOUT_SECONDS: '60',
  IMAGE_PROCESSOR_OPTIMIZE_TIMEOUT_SECONDS: '90',
};

describe('the deployment read from the synthesized stack', () => {
  it('reads every function’s memory, the workflow type, the lifecycle and the keys from cdk.tf.json', async () => {
    const outdir = join(ROOT, '.build', `test-cost-${process.pid}`);
    await synth({ outdir, env: { IMAGE_PROCESSOR_STAGES: 'dev', IMAGE_PROCESSOR_OPTIMIZE_MEMORY_MB: '4096', IMAGE_PROCESSOR_WORKFLOW_TYPE: 'EXPRESS', ...EXPRESS_TIMEOUTS } });
    const document = JSON.parse(readFileSync(join(outdir, 'stacks', 'image-processor-dev', 'cdk.tf.json'), 'utf8')) as Parameters<typeof resourcesOfConfiguration>[0];
    const described = describeDeployment(resourcesOfConfiguration(document));
    expect(described).toMatchObject({
      memoryMb: { 'start-workflow': 256, validate: 2048, resize: 2048, filters: 2048, optimize: 4096, 'notify-success': 256, 'notify-error': 256, reconcile: 256 },
      workflowType: 'EXPRESS',
      emailSubscriptions: 0,
      noncurrentVersionDays: 1,
      transitionsToIa: true,
      jobTtlDays: 30,
      counts: expect.objectContaining({ aws_kms_key: 1, aws_lambda_function: 8 }),
      scheduledInvocations: expect.any(Number),
    });
    expect(described.scheduledInvocations).toBeGreaterThan(0);
  });
});
