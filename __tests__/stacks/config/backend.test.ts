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

  it('selects a partial configuration from TF_BACKEND_CONFIG_FILE: s3 by default with per-stack keys, or another type', () => {
    expect(loadBackendConfig({ TF_BACKEND_CONFIG_FILE: 'backend/{stack}.hcl' })).toEqual({
      kind: 'partial',
      configFileTemplate: 'backend/{stack}.hcl',
      type: 's3',
      keyTemplate: 'image-processor/{stack}.tfstate',
    });
    expect(loadBackendConfig({ TF_BACKEND_CONFIG_FILE: 'backend.hcl', TF_STATE_KEY: 'team' })).toMatchObject({ keyTemplate: 'team/{stack}.tfstate' });
    expect(loadBackendConfig({ TF_BACKEND_CONFIG_FILE: 'gcs-{stack}.hcl', TF_BACKEND_TYPE: 'gcs' })).toEqual({ kind: 'partial', configFileTemplate: 'gcs-{stack}.hcl', type: 'gcs' });
  });

  it('takes a KMS key for S3 state and one HCP Terraform workspace from TF_WORKSPACE', () => {
    const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(loadBackendConfig({ TF_STATE_BUCKET: 'acme-state', TF_STATE_KMS_KEY_ID: key })).toMatchObject({ kind: 's3', kmsKeyId: key });
    expect(loadBackendConfig({ TF_STATE_BUCKET: 'acme-state', TF_STATE_KMS_KEY_ID: 'alias/terraform-state' })).toMatchObject({ kmsKeyId: 'alias/terraform-state' });
    expect(loadBackendConfig({ TF_CLOUD_ORGANIZATION: 'acme', TF_WORKSPACE: 'media-dev' })).toEqual({ kind: 'cloud', organization: 'acme', workspace: 'media-dev' });
    // Without an organization, TF_WORKSPACE is Terraform's own CLI-workspace selector and is left to it.
    expect(loadBackendConfig({ TF_WORKSPACE: 'staging' })).toEqual({ kind: 'local' });
  });

  it('refuses mixed backends and options of another backend', () => {
    expect(problemsOf(() => loadBackendConfig({ TF_STATE_BUCKET: 'acme-state', TF_BACKEND_CONFIG_FILE: 'b.hcl', TF_CLOUD_ORGANIZATION: 'acme' }))).toEqual([
      'Expected one state backend, but TF_STATE_BUCKET (S3) and TF_BACKEND_CONFIG_FILE (partial configuration) and TF_CLOUD_ORGANIZATION (HCP Terraform) are set: unset all but one.',
    ]);
    expect(problemsOf(() => loadBackendConfig({ TF_STATE_KMS_KEY_ID: 'not-a-key' }))).toEqual([
      'Expected TF_STATE_BUCKET to be set when TF_STATE_KMS_KEY_ID is set (they only configure the S3 backend), but it is not.',
      'Expected TF_STATE_KMS_KEY_ID to be a KMS key ARN, key id or alias (alias/…), but received "not-a-key".',
    ]);
    expect(problemsOf(() => loadBackendConfig({ TF_BACKEND_CONFIG_FILE: 'b.hcl', TF_BACKEND_TYPE: 'gcs', TF_STATE_KEY: 'team', TF_STATE_KMS_KEY_ID: 'alias/x' }))).toEqual([
      'Expected the KMS key of a partial S3 configuration in its TF_BACKEND_CONFIG_FILE (kms_key_id = "…"), but TF_STATE_KMS_KEY_ID is set.',
      expect.stringContaining('Expected TF_STATE_KEY only with an s3 backend, but TF_BACKEND_TYPE is "gcs"'),
    ]);
    expect(problemsOf(() => loadBackendConfig({ TF_BACKEND_TYPE: 's3' }))).toEqual([expect.stringContaining('Expected TF_BACKEND_CONFIG_FILE to be set when TF_BACKEND_TYPE is set')]);
  });
});
