import { loadBackendConfig } from '../../../stacks/config/backend';
import { ConfigError } from '../../../stacks/config/errors';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('state backend selection', () => {
  it('is local without TF_STATE_BUCKET', () => {
    expect(loadBackendConfig({})).toEqual({ kind: 'local' });
  });

  it('selects S3 with a per-stack key from TF_STATE_BUCKET, TF_STATE_KEY and TF_STATE_REGION', () => {
    expect(loadBackendConfig({ TF_STATE_BUCKET: 'acme-terraform-state' })).toEqual({
      kind: 's3',
      bucket: 'acme-terraform-state',
      keyTemplate: 'image-processor/{stack}.tfstate',
    });
    expect(loadBackendConfig({ TF_STATE_BUCKET: 'acme-state', TF_STATE_KEY: 'media/', TF_STATE_REGION: 'eu-west-1' })).toEqual({
      kind: 's3',
      bucket: 'acme-state',
      keyTemplate: 'media/{stack}.tfstate',
      region: 'eu-west-1',
    });
    expect(loadBackendConfig({ TF_STATE_BUCKET: 'acme-state', TF_STATE_KEY: 'env/{stack}/terraform.tfstate' })).toMatchObject({
      keyTemplate: 'env/{stack}/terraform.tfstate',
    });
  });

  it('selects HCP Terraform from TF_CLOUD_ORGANIZATION', () => {
    expect(loadBackendConfig({ TF_CLOUD_ORGANIZATION: 'acme', TF_CLOUD_PROJECT: 'media' })).toEqual({ kind: 'cloud', organization: 'acme', project: 'media' });
  });

  it('refuses settings that would be ignored or would share one state between stacks', () => {
    expect(problemsOf(() => loadBackendConfig({ TF_STATE_KEY: 'state/terraform.tfstate', TF_STATE_REGION: 'moon-1' }))).toEqual([
      'Expected TF_STATE_BUCKET to be set when TF_STATE_KEY and TF_STATE_REGION are set (they only configure the S3 backend), but it is not.',
      expect.stringContaining('Expected TF_STATE_KEY to be a prefix (such as team/image-processor) or to contain {stack}'),
      'Expected TF_STATE_REGION to be an AWS region name such as us-east-1, but received "moon-1".',
    ]);
    expect(problemsOf(() => loadBackendConfig({ TF_STATE_BUCKET: 'Bad_Bucket', TF_CLOUD_ORGANIZATION: 'acme' }))).toEqual([
      expect.stringContaining('both TF_STATE_BUCKET (S3) and TF_CLOUD_ORGANIZATION (HCP Terraform) are set'),
      expect.stringContaining('Expected TF_STATE_BUCKET to be an S3 bucket name'),
    ]);
  });
});
