import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { configureBackend } from '../../stacks/backend';
import type { BackendConfig } from '../../stacks/config/backend';
import { ROOT, synthJson, testStack } from './support';

function backendOf(backend: BackendConfig, outdir = join(ROOT, 'cdktf.out')) {
  const stack = new TerraformStack(Testing.app(), 'image-processor-dev');
  configureBackend(stack, backend, { stackName: 'image-processor-dev', region: 'eu-central-1', outdir, projectRoot: ROOT });
  return synthJson(stack).terraform;
}

describe('state backend', () => {
  it('keeps local state in the project root, by a path relative to the stack directory', () => {
    expect(backendOf({ kind: 'local' })).toEqual({ backend: { local: { path: '../../../terraform.image-processor-dev.tfstate' } } });
    expect(backendOf({ kind: 'local' }, join(ROOT, '.build', 'synth'))).toEqual({
      backend: { local: { path: '../../../../terraform.image-processor-dev.tfstate' } },
    });
  });

  it('uses S3 with a lock file, one key per stack and the stack region by default', () => {
    expect(backendOf({ kind: 's3', bucket: 'acme-state', keyTemplate: 'image-processor/{stack}.tfstate' })).toEqual({
      backend: {
        s3: {
          bucket: 'acme-state',
          key: 'image-processor/image-processor-dev.tfstate',
          region: 'eu-central-1',
          encrypt: true,
          use_lockfile: true,
        },
      },
    });
    expect(backendOf({ kind: 's3', bucket: 'acme-state', keyTemplate: 'x/{stack}/tf.tfstate', region: 'us-east-2' })?.backend.s3).toMatchObject({
      key: 'x/image-processor-dev/tf.tfstate',
      region: 'us-east-2',
      use_lockfile: true,
    });
  });

  it('uses one HCP Terraform workspace per stack', () => {
    expect(backendOf({ kind: 'cloud', organization: 'acme', project: 'media' })).toEqual({
      cloud: { organization: 'acme', workspaces: { name: 'image-processor-dev', project: 'media' } },
    });
  });

  it('applies to every stack of the app', async () => {
    const backend: BackendConfig = { kind: 's3', bucket: 'acme-state', keyTemplate: 'image-processor/{stack}.tfstate' };
    for (const stage of ['dev', 'prod']) {
      const json = synthJson(await testStack({ stage, backend }));
      expect(json.terraform?.backend).toEqual({
        s3: { bucket: 'acme-state', key: `image-processor/image-processor-${stage}.tfstate`, region: 'us-east-1', encrypt: true, use_lockfile: true },
      });
    }
  });

  it('encrypts S3 state with the configured KMS key', () => {
    expect(backendOf({ kind: 's3', bucket: 'acme-state', keyTemplate: '{stack}.tfstate', kmsKeyId: 'alias/terraform-state' })?.backend.s3).toMatchObject({
      encrypt: true,
      kms_key_id: 'alias/terraform-state',
    });
  });

  it('declares a partial backend with only the per-stack settings, the rest left to -backend-config', () => {
    expect(backendOf({ kind: 'partial', configFileTemplate: 'b.hcl', type: 's3', keyTemplate: 'team/{stack}.tfstate' })).toEqual({
      backend: { s3: { key: 'team/image-processor-dev.tfstate', encrypt: true, use_lockfile: true } },
    });
    expect(backendOf({ kind: 'partial', configFileTemplate: 'b-{stack}.hcl', type: 'gcs' })).toEqual({ backend: { gcs: {} } });
  });

  it('uses the workspace TF_WORKSPACE names', () => {
    expect(backendOf({ kind: 'cloud', organization: 'acme', workspace: 'media-dev' })).toEqual({ cloud: { organization: 'acme', workspaces: { name: 'media-dev' } } });
  });
});
