import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { synth } from '../../stacks/app';
import { ConfigError } from '../../stacks/config/errors';
import { ROOT } from './support';

const OUT = join(ROOT, '.build', `test-main-${process.pid}`);
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('the cdktf app', () => {
  it('writes one stack per configured stage', async () => {
    await synth({ outdir: join(OUT, 'staged'), env: { IMAGE_PROCESSOR_STAGES: 'dev,qa' } });
    expect(readdirSync(join(OUT, 'staged', 'stacks')).sort()).toEqual(['image-processor-dev', 'image-processor-qa']);
    expect(existsSync(join(OUT, 'staged', 'manifest.json'))).toBe(true);
  });

  it('reports stage and backend problems together, before building anything', async () => {
    const failure = synth({ outdir: join(OUT, 'bad'), env: { IMAGE_PROCESSOR_LOG_RETENTION_DAYS: '45', TF_STATE_KEY: 'x' } });
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toMatchObject({
      problems: [expect.stringContaining('logRetentionDays'), expect.stringContaining('Expected TF_STATE_BUCKET to be set when TF_STATE_KEY is set')],
    });
    expect(existsSync(join(OUT, 'bad', 'stacks'))).toBe(false);
  });
});

it('refuses one HCP Terraform workspace (TF_WORKSPACE) for several stacks', async () => {
  await expect(synth({ outdir: join(OUT, 'workspace'), env: { TF_CLOUD_ORGANIZATION: 'acme', TF_WORKSPACE: 'media' } })).rejects.toMatchObject({
    problems: [expect.stringContaining('Expected one stage when TF_WORKSPACE names one HCP Terraform workspace (media), but 2 are configured')],
  });
});

describe('synth hygiene', () => {
  it('removes folders of stacks no longer configured, and keeps the configured ones', async () => {
    const outdir = join(OUT, 'hygiene');
    await synth({ outdir, env: { IMAGE_PROCESSOR_STAGES: 'dev,prod' } });
    mkdirSync(join(outdir, 'stacks', 'image-processor-dev', '.terraform'), { recursive: true });
    await synth({ outdir, env: { IMAGE_PROCESSOR_STAGES: 'dev' } });
    expect(readdirSync(join(outdir, 'stacks'))).toEqual(['image-processor-dev']);
    expect(existsSync(join(outdir, 'stacks', 'image-processor-dev', '.terraform'))).toBe(true);
  });

  it('leaves one format in a stack folder: JSON after HCL and HCL after JSON', async () => {
    const outdir = join(OUT, 'formats');
    const env = { IMAGE_PROCESSOR_STAGES: 'dev' };
    const configurationFiles = () => readdirSync(join(outdir, 'stacks', 'image-processor-dev')).filter((name) => /\.tf(\.json)?$/.test(name));
    await synth({ outdir, env, hcl: true });
    expect(configurationFiles()).toEqual(['main.tf']);
    await synth({ outdir, env });
    expect(configurationFiles()).toEqual(['cdk.tf.json']);
  });
});
