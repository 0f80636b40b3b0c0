/**
 * The local stage's stack, synthesized in-process into its Terraform JSON, so the local runner
 * holds each function to the policy the stack actually writes. The functions' zips and the sharp
 * layer are stand-ins (each entrypoint's source file, with a placeholder hash): nothing the local
 * runner reads from the synthesized stack depends on what is in them. Nothing is written to disk.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { FUNCTIONS, entrypointSource, MANIFEST, type FunctionName } from '../../handlers/runtime/manifest';
import type { StageConfig } from '../../stacks/config/resolve';
import type { FunctionPackage } from '../../stacks/constructs/pipeline/pipeline';
import { ImageProcessorStack } from '../../stacks/image-processor-stack';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
const PLACEHOLDER_HASH = { sha256Hex: '0'.repeat(64), sha256Base64: 'A'.repeat(43) + '=' } as const;

/** Synthesized Terraform JSON: the blocks the local runner reads. */
export interface TerraformJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

function standInArtifacts() {
  const functions = Object.fromEntries(
    FUNCTIONS.map((name): [FunctionName, FunctionPackage] => [
      name,
      { path: join(REPOSITORY_ROOT, entrypointSource(name)), ...PLACEHOLDER_HASH, externals: MANIFEST[name].needsSharp ? ['sharp'] : [] },
    ]),
  ) as Record<FunctionName, FunctionPackage>;
  const sharpLayer = { path: join(REPOSITORY_ROOT, 'package.json'), ...PLACEHOLDER_HASH, sharpVersion: 'stand-in', packages: [] };
  return { functions, sharpLayer };
}

/** The stack of `config` as `cdktf synth` would write it, with tokens resolved to Terraform references. */
export function synthesizeStack(config: StageConfig): TerraformJson {
  // An existing folder: App creates a missing outdir, and synthesis here never writes to it.
  const app = new App({ outdir: tmpdir(), skipValidation: true });
  const stack = new ImageProcessorStack(app, {
    config,
    backend: { kind: 'local' },
    artifacts: standInArtifacts(),
    projectRoot: REPOSITORY_ROOT,
    outdir: join(REPOSITORY_ROOT, 'cdktf.out'),
  });
  invokeAspects(stack);
  return stack.toTerraform() as TerraformJson;
}
