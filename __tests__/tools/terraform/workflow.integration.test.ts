/**
 * npm run plan/diff/deploy/destroy without what they need: one sentence and the right exit code.
 * Terraform runs only against loopback or an unreachable registry, each run bounded in time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { SystemError, UsageError } from '../../../tools/cli/command';
import { explainFailure } from '../../../tools/terraform/terraform';
import { runWorkflow } from '../../../tools/terraform/workflow';
import { ROOT } from '../../stacks/support';

const OUT = join(ROOT, '.build', `test-workflow-${process.pid}`);
const EMPTY = mkdtempSync(join(tmpdir(), 'no-terraform-'));
afterAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  rmSync(EMPTY, { recursive: true, force: true });
});

const terraformPresent = !spawnSync('terraform', ['version']).error;
/**
 * A registry that cannot be reached, with or without a network: the Terraform CLI configuration
 * points registry.terraform.io's provider service at a closed loopback port, so terraform is refused
 * at once (and gives up after 5 s at most).
 */
const UNREACHABLE_REGISTRY = join(EMPTY, 'terraformrc');
writeFileSync(UNREACHABLE_REGISTRY, 'host "registry.terraform.io" {\n  services = {\n    "providers.v1" = "http://127.0.0.1:9/v1/providers/"\n  }\n}\n');
const offline = { ...process.env, IMAGE_PROCESSOR_STAGES: 'dev', TF_CLI_CONFIG_FILE: UNREACHABLE_REGISTRY, TF_REGISTRY_CLIENT_TIMEOUT: '5', TF_REGISTRY_DISCOVERY_RETRY: '0' };
/** npm's own tools (the layer build) stay reachable; terraform does not. */
const withoutTerraform = { ...offline, PATH: [dirname(process.execPath), EMPTY].join(delimiter) };

describe('the terraform workflow commands', () => {
  it('refuse an unknown stack with an exit-2 sentence naming the configured ones', async () => {
    const run = runWorkflow('plan', ['qa'], { env: offline, outdir: join(OUT, 'unknown') });
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toThrow('Expected one of the configured stacks (image-processor-dev), but received "qa".');
  });

  it('refuse a missing stack argument and unknown options before doing anything', async () => {
    await expect(runWorkflow('deploy', [], { env: offline })).rejects.toThrow('Expected one stack to deploy, but received none. Usage: npm run deploy -- <stack> [--auto-approve]');
    await expect(runWorkflow('plan', ['dev', '--force'], { env: offline })).rejects.toBeInstanceOf(UsageError);
  });

  it('name the missing terraform binary in one sentence', async () => {
    const run = runWorkflow('plan', ['dev'], { env: withoutTerraform, outdir: join(OUT, 'no-binary') });
    await expect(run).rejects.toBeInstanceOf(SystemError);
    await expect(run).rejects.toThrow(/^Expected a terraform binary on PATH for `terraform version`, but there is none: install Terraform 1\.11 or later/);
  });

  it('name the unreachable registry in one sentence when the real terraform cannot download the provider', async () => {
    if (!terraformPresent) {
      process.stdout.write('SKIPPED IN EFFECT: no terraform binary on PATH, so the registry failure of a real `terraform init` was not exercised.\n');
      return;
    }
    const run = runWorkflow('diff', ['image-processor-dev'], { env: offline, outdir: join(OUT, 'registry'), timeoutMs: 60_000 });
    await expect(run).rejects.toThrow(
      /^`terraform init` could not download the hashicorp\/aws provider because the Terraform registry \(registry\.terraform\.io\) cannot be reached from this machine: /,
    );
  });

  it('exit 1 from npm run plan with that sentence alone, no stack trace', () => {
    const result = spawnSync(join(ROOT, 'node_modules', 'node', 'bin', 'node'), [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'tools/terraform/main.ts', 'plan', 'dev'], {
      cwd: ROOT,
      env: { ...withoutTerraform, CDKTF_OUTDIR: join(OUT, 'cli') },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Expected a terraform binary on PATH/)]);
  });

  it('exit 2 from npm run for an unknown command', () => {
    const result = spawnSync(join(ROOT, 'node_modules', 'node', 'bin', 'node'), [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'tools/terraform/main.ts', 'apply'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('Expected a command (plan, diff, deploy, destroy, lock), but received "apply".');
  });
});

describe('explainFailure', () => {
  const failed = (stderr: string) => ({ status: 1, stdout: '', stderr });

  it('names the registry and the provider', () => {
    const error = explainFailure(['init', '-input=false'], failed('Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider hashicorp/aws: could not connect to registry.terraform.io: dial tcp'));
    expect(error.message).toMatch(/^`terraform init` could not download the hashicorp\/aws provider because the Terraform registry \(registry\.terraform\.io\) cannot be reached/);
  });

  it('names missing AWS credentials', () => {
    const error = explainFailure(['plan'], failed('Error: No valid credential sources found\n\n  with provider["registry.terraform.io/hashicorp/aws"]'));
    expect(error.message).toMatch(/^`terraform plan` found no AWS credentials: set AWS_PROFILE/);
  });

  it('falls back to terraform’s first error line', () => {
    const error = explainFailure(['apply', 'tfplan'], { status: 1, stdout: '', stderr: '\u001b[31mError: \u001b[0mSaved plan is stale\n\nmore text' });
    expect(error.message).toBe('`terraform apply tfplan` failed with exit code 1: Saved plan is stale.');
  });
});
