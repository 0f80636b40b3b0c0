/**
 * Runs the terraform binary for the npm scripts and turns its failures into one sentence each:
 * no binary, a registry it cannot reach, no AWS credentials, or Terraform's own first error.
 */
import { spawn } from 'node:child_process';
import { SystemError } from '../cli/command';

type Environment = Readonly<Record<string, string | undefined>>;

export interface TerraformRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Environment;
  /** Stops terraform after this long; the registry and AWS can hang rather than refuse. @default 600000 */
  readonly timeoutMs?: number;
  /** Also shows terraform's output as it runs (plan); otherwise it is only captured (init, show). */
  readonly echo?: boolean;
}

export const TERRAFORM_INSTALL = 'install Terraform 1.11 or later (https://developer.hashicorp.com/terraform/install) and put it on PATH';

export function runTerraform(args: readonly string[], options: RunOptions): Promise<TerraformRun> {
  const env = { ...(options.env ?? process.env), TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timeoutMs = options.timeoutMs ?? 600_000;
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    let timedOut = false;
    timer.unref();
    child.on('exit', (_code, signal) => (timedOut = signal === 'SIGTERM'));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new SystemError(`Expected a terraform binary on PATH for \`terraform ${args[0]}\`, but there is none: ${TERRAFORM_INSTALL}.`)
          : new SystemError(`Could not run terraform: ${error.message}.`),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new SystemError(`\`terraform ${args.join(' ')}\` did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped.`));
        return;
      }
      resolve({ status: code ?? 1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

const REGISTRY_UNREACHABLE = /could not connect to (registry\.terraform\.io|[\w.-]+)|Failed to query available provider packages|failed to request discovery document/i;
const NO_CREDENTIALS = /No valid credential sources found|failed to refresh cached credentials|NoCredentialProviders|get identity: get credentials|no EC2 IMDS role found/i;

/** One sentence for a failed terraform run: what is missing, and what to do. */
export function explainFailure(args: readonly string[], run: TerraformRun): SystemError {
  const output = `${run.stderr}\n${run.stdout}`.replace(/\u001b\[[0-9;]*m/g, '');
  const command = `terraform ${args.filter((arg) => !arg.startsWith('-')).join(' ')}`;
  if (REGISTRY_UNREACHABLE.test(output)) {
    const provider = /provider ([\w.-]+\/[\w.-]+)/.exec(output)?.[1] ?? 'hashicorp/aws';
    const host = /could not connect to ([\w.-]+)/i.exec(output)?.[1] ?? 'registry.terraform.io';
    return new SystemError(
      `\`${command}\` could not download the ${provider} provider because the Terraform registry (${host}) cannot be reached from this machine: connect to it, or point Terraform at a provider mirror (provider_installation in the CLI configuration), and run it again.`,
    );
  }
  if (NO_CREDENTIALS.test(output)) {
    return new SystemError(`\`${command}\` found no AWS credentials: set AWS_PROFILE (after \`aws sso login\`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run it where a role is assumed, and run it again.`);
  }
  const firstError = /Error: ([^\n]+)/.exec(output)?.[1]?.trim();
  return new SystemError(`\`${command}\` failed with exit code ${run.status}${firstError ? `: ${firstError.replace(/[.:]$/, '')}` : ''}.`);
}

/** Runs terraform and throws the one-sentence explanation when it fails. */
export async function terraform(args: readonly string[], options: RunOptions): Promise<TerraformRun> {
  const run = await runTerraform(args, options);
  if (run.status !== 0) throw explainFailure(args, run);
  return run;
}
