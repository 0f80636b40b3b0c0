/**
 * Builds the cdktf app: one `image-processor-<stage>` stack per configured stage (stacks/config/),
 * written to cdktf.out/stacks/<stack>/cdk.tf.json (or main.tf with `hcl`). Folders of stacks no
 * longer configured are removed, as `cdktf synth` does. `main.ts` runs it; tests call it directly.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'cdktf';
import { loadBackendConfig } from './config/backend';
import { ConfigError } from './config/errors';
import { loadStageConfigs } from './config/resolve';
import { HCL_FILE, writeHclStacks } from './hcl';
import { ImageProcessorStack } from './image-processor-stack';
import { lambdaArtifacts, REPOSITORY_ROOT } from './packaging/artifacts';

export interface SynthOptions {
  /** @default process.env.CDKTF_OUTDIR, else cdktf.out */
  readonly outdir?: string;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The checkout whose handlers are packaged. @default this checkout */
  readonly root?: string;
  /** Write HCL (`main.tf`) instead of JSON (`cdk.tf.json`). @default false, or SYNTH_HCL_OUTPUT=true as `cdktf synth --hcl` sets it */
  readonly hcl?: boolean;
}

/** Terraform's provider lock file: committed at the repository root (every stack uses the same provider). */
export const PROVIDER_LOCK_FILE = '.terraform.lock.hcl';

/** What a stack folder holds in one format and must not keep from the other: both would declare every resource twice. */
const OTHER_FORMAT_FILES = { json: [HCL_FILE, 'cdk.tf', 'metadata.json'], hcl: ['cdk.tf.json'] } as const;

/** cdktf.json's `context`: the CLI passes it in CDKTF_CONTEXT_JSON; running this file directly reads it here. */
export function cdktfJsonContext(root: string): Record<string, unknown> {
  const config = JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8')) as { context?: Record<string, unknown> };
  return config.context ?? {};
}

export async function synth(options: SynthOptions = {}): Promise<App> {
  const env = options.env ?? process.env;
  const root = resolve(options.root ?? REPOSITORY_ROOT);
  const outdir = options.outdir ?? env.CDKTF_OUTDIR ?? 'cdktf.out';
  // The context as App assembles it: cdktf.json's, overridden by the CLI's CDKTF_CONTEXT_JSON.
  const appContext = { ...cdktfJsonContext(root), ...(JSON.parse(env.CDKTF_CONTEXT_JSON ?? '{}') as Record<string, unknown>) };
  const context = { settings: appContext.settings, stages: appContext.stages };
  // Both are validated before either error is thrown, so one run reports every problem.
  const attempt = <T>(load: () => T): T | ConfigError => {
    try {
      return load();
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
  };
  const stages = attempt(() => loadStageConfigs({ env, context }));
  const backend = attempt(() => loadBackendConfig(env));
  const problems = [stages, backend].flatMap((result) => (result instanceof ConfigError ? result.problems : []));
  if (!(stages instanceof ConfigError) && !(backend instanceof ConfigError) && backend.kind === 'cloud' && backend.workspace && stages.length > 1) {
    problems.push(`Expected one stage when TF_WORKSPACE names one HCP Terraform workspace (${backend.workspace}), but ${stages.length} are configured: set IMAGE_PROCESSOR_STAGES to one, or unset TF_WORKSPACE for a workspace per stack.`);
  }
  if (stages instanceof ConfigError || backend instanceof ConfigError || problems.length > 0) throw new ConfigError(problems);
  const artifacts = await lambdaArtifacts({ root });
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, context: appContext, skipValidation: false, hclOutput: options.hcl ?? env.SYNTH_HCL_OUTPUT === 'true' });
  const stacks = stages.map((config) => new ImageProcessorStack(app, { config, backend, artifacts, projectRoot: root, outdir: resolve(app.outdir) }));
  app.synth();
  if (app.hclOutput) await writeHclStacks(app, stacks);
  pruneStackFolders(join(app.outdir, 'stacks'), new Set(stacks.map((stack) => stack.node.id)), app.hclOutput ? 'hcl' : 'json');
  // The committed provider lock file goes where `terraform init` looks for it, in every stack folder.
  const lockFile = join(root, PROVIDER_LOCK_FILE);
  if (existsSync(lockFile)) for (const stack of stacks) copyFileSync(lockFile, join(app.outdir, 'stacks', stack.node.id, PROVIDER_LOCK_FILE));
  return app;
}

/** Removes folders of stacks no longer configured (a stale stack would still be planned by hand), and the other format's files. */
function pruneStackFolders(stacksDir: string, configured: ReadonlySet<string>, format: keyof typeof OTHER_FORMAT_FILES): void {
  for (const entry of readdirSync(stacksDir, { withFileTypes: true })) {
    const folder = join(stacksDir, entry.name);
    if (!configured.has(entry.name)) {
      rmSync(folder, { recursive: true, force: true });
      continue;
    }
    for (const file of OTHER_FORMAT_FILES[format]) {
      if (existsSync(join(folder, file))) rmSync(join(folder, file));
    }
  }
}
