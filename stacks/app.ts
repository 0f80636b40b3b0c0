/**
 * Builds the cdktf app: one `image-processor-<stage>` stack per configured stage (stacks/config/),
 * written to cdktf.out/stacks/<stack>/cdk.tf.json. `main.ts` runs it; tests call it directly.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'cdktf';
import { loadBackendConfig } from './config/backend';
import { ConfigError } from './config/errors';
import { loadStageConfigs } from './config/resolve';
import { ImageProcessorStack } from './image-processor-stack';
import { lambdaArtifacts, REPOSITORY_ROOT } from './packaging/artifacts';

export interface SynthOptions {
  /** @default process.env.CDKTF_OUTDIR, else cdktf.out */
  readonly outdir?: string;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The checkout whose handlers are packaged. @default this checkout */
  readonly root?: string;
}

/** cdktf.json's `context`: the CLI passes it in CDKTF_CONTEXT_JSON; running this file directly reads it here. */
function cdktfJsonContext(root: string): Record<string, unknown> {
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
  if (stages instanceof ConfigError || backend instanceof ConfigError) {
    throw new ConfigError([stages, backend].flatMap((result) => (result instanceof ConfigError ? result.problems : [])));
  }
  const artifacts = await lambdaArtifacts({ root });
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, context: appContext, skipValidation: false });
  for (const config of stages) {
    new ImageProcessorStack(app, { config, backend, artifacts, projectRoot: root, outdir: resolve(app.outdir) });
  }
  app.synth();
  return app;
}
