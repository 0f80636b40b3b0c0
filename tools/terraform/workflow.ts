/**
 * `npm run plan|diff|deploy|destroy -- <stack>`: synthesize, `terraform init` in the stack folder
 * (read-only against the committed lock file when there is one), then
 * - plan: `terraform plan` and, with `--out`, `terraform show -json` of that plan;
 * - diff, deploy, destroy: the cdktf CLI on Node 22 (tools/cdktf), on the stack just synthesized.
 * Initialising first means a missing binary or an unreachable registry is one sentence from us,
 * not a page of CLI output.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { didYouMean } from '../../handlers/core/suggest';
import { synth } from '../../stacks/app';
import { loadBackendConfig } from '../../stacks/config/backend';
import { SystemError, UsageError, parseArguments } from '../cli/command';
import { runCdktf } from '../cdktf/launch';
import { runTerraform, terraform, TERRAFORM_INSTALL } from './terraform';

export const WORKFLOW_COMMANDS = ['plan', 'diff', 'deploy', 'destroy'] as const;
export type WorkflowCommand = (typeof WORKFLOW_COMMANDS)[number];

const FLAGS: Record<WorkflowCommand, readonly string[]> = { plan: [], diff: [], deploy: ['auto-approve'], destroy: ['auto-approve'] };
const OPTIONS: Record<WorkflowCommand, readonly string[]> = { plan: ['out'], diff: [], deploy: [], destroy: [] };

export function usage(command: WorkflowCommand): string {
  const extra = command === 'plan' ? ' [--out plan.json]' : FLAGS[command].length > 0 ? ' [--auto-approve]' : '';
  return `Usage: npm run ${command} -- <stack>${extra}`;
}

export interface WorkflowOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the app is synthesized. @default CDKTF_OUTDIR, else cdktf.out */
  readonly outdir?: string;
  /** Limit for each terraform run. @default 600000 */
  readonly timeoutMs?: number;
  readonly stdout?: { write(text: string): unknown };
}

export async function runWorkflow(command: WorkflowCommand, argv: readonly string[], options: WorkflowOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const { flags, options: values, positional } = parseArguments(argv, { flags: FLAGS[command], options: OPTIONS[command] }, usage(command));
  if (flags.has('help')) {
    stdout.write(`${usage(command)}\n`);
    return;
  }
  if (positional.length !== 1) {
    throw new UsageError(`Expected one stack to ${command}, but received ${positional.length === 0 ? 'none' : positional.join(' ')}. ${usage(command)}`);
  }
  const app = await synth({ env, ...(options.outdir ? { outdir: options.outdir } : {}) });
  const stacks = app.node.children.map((child) => child.node.id);
  const stack = stacks.find((name) => name === positional[0] || name === `image-processor-${positional[0]}`);
  if (!stack) {
    throw new UsageError(`Expected one of the configured stacks (${stacks.join(', ')}), but received ${JSON.stringify(positional[0])}${didYouMean(positional[0]!, stacks)}.`);
  }
  const version = await runTerraform(['version'], { cwd: process.cwd(), env, timeoutMs: 30_000 });
  if (version.status !== 0) throw new SystemError(`Expected \`terraform version\` to work, but it failed with exit code ${version.status}: ${TERRAFORM_INSTALL}.`);
  const cwd = resolve(app.outdir, 'stacks', stack);
  const run: { cwd: string; env: Readonly<Record<string, string | undefined>>; timeoutMs?: number } = { cwd, env, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
  const lockfile = existsSync(join(cwd, '.terraform.lock.hcl')) ? ['-lockfile=readonly'] : [];
  const backend = loadBackendConfig(env);
  // A partial backend's settings reach every `terraform init`, ours and the cdktf CLI's, through TF_CLI_ARGS_init.
  if (backend.kind === 'partial') {
    const file = resolve(backend.configFileTemplate.replaceAll('{stack}', stack));
    if (!existsSync(file)) throw new UsageError(`Expected the backend configuration file ${file} (from TF_BACKEND_CONFIG_FILE) to exist, but it does not.`);
    run.env = { ...env, TF_CLI_ARGS_init: [env.TF_CLI_ARGS_init, `-backend-config=${file}`].filter(Boolean).join(' ') };
  }
  await terraform(['init', '-input=false', '-no-color', ...lockfile], run);

  if (command === 'plan') {
    await terraform(['plan', '-input=false', '-no-color', '-out=tfplan'], { ...run, echo: true });
    const out = values.get('out');
    if (out) {
      const shown = await terraform(['show', '-json', 'tfplan'], run);
      writeFileSync(resolve(out), shown.stdout);
      stdout.write(`Wrote the plan of ${stack} as JSON to ${out} (render it with npm run plan-summary -- ${out}).\n`);
    }
    return;
  }
  const status = await runCdktf([command, stack, '--skip-synth', ...[...flags].map((flag) => `--${flag}`)], { env: run.env });
  if (status !== 0) throw new SystemError(`\`cdktf ${command} ${stack}\` failed with exit code ${status} (its output is above).`);
}
