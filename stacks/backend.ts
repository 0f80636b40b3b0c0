/**
 * Where each stack keeps its Terraform state (chosen by {@link loadBackendConfig}):
 * - local (default): `terraform.<stack>.tfstate` in the project root, written as a path relative
 *   to the stack's working directory so the synthesized JSON names no absolute path;
 * - S3 (`TF_STATE_BUCKET`): encrypted state with S3-native locking (`use_lockfile`, Terraform
 *   1.11+; cdktf 0.21's S3Backend has no property for it, so it is added by override);
 * - HCP Terraform (`TF_CLOUD_ORGANIZATION`): one workspace per stack, named after the stack.
 */
import { posix, relative, resolve, sep } from 'node:path';
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from 'cdktf';
import type { BackendConfig } from './config/backend';

export interface BackendContext {
  readonly stackName: string;
  /** The stack's region: the S3 backend's default region. */
  readonly region: string;
  /** The app's output directory (`cdktf.out`). */
  readonly outdir: string;
  /** Where local state files live. */
  readonly projectRoot: string;
}

export function configureBackend(stack: TerraformStack, backend: BackendConfig, context: BackendContext): void {
  switch (backend.kind) {
    case 'local': {
      // Terraform runs in <outdir>/stacks/<stack>; the state stays outside cdktf.out so a clean synth never loses it.
      const workingDirectory = resolve(context.outdir, 'stacks', context.stackName);
      const stateFile = resolve(context.projectRoot, `terraform.${context.stackName}.tfstate`);
      new LocalBackend(stack, { path: posix.normalize(relative(workingDirectory, stateFile).split(sep).join('/')) });
      return;
    }
    case 's3': {
      new S3Backend(stack, {
        bucket: backend.bucket,
        key: backend.keyTemplate.replaceAll('{stack}', context.stackName),
        region: backend.region ?? context.region,
        encrypt: true,
      });
      stack.addOverride('terraform.backend.s3.use_lockfile', true);
      return;
    }
    case 'cloud': {
      new CloudBackend(stack, {
        organization: backend.organization,
        workspaces: new NamedCloudWorkspace(context.stackName, backend.project),
        ...(backend.hostname ? { hostname: backend.hostname } : {}),
      });
      return;
    }
  }
}
