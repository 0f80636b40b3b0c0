/**
 * Where each stack keeps its Terraform state (chosen by {@link loadBackendConfig}):
 * - local (default): `terraform.<stack>.tfstate` in the project root, written as a path relative
 *   to the stack's working directory so the synthesized JSON names no absolute path;
 * - S3 (`TF_STATE_BUCKET`): encrypted state with S3-native locking (`use_lockfile`, Terraform
 *   1.11+; cdktf 0.21's S3Backend has no property for it, so it is added by override);
 *   optionally with a customer managed KMS key (`TF_STATE_KMS_KEY_ID`);
 * - partial (`TF_BACKEND_CONFIG_FILE`): the backend block with only what differs per stack, the
 *   rest from `terraform init -backend-config=<file>`;
 * - HCP Terraform (`TF_CLOUD_ORGANIZATION`): one workspace per stack, named after the stack, or `TF_WORKSPACE`.
 */
import { posix, relative, resolve, sep } from 'node:path';
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformBackend, type TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
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
        ...(backend.kmsKeyId ? { kmsKeyId: backend.kmsKeyId } : {}),
      });
      stack.addOverride('terraform.backend.s3.use_lockfile', true);
      return;
    }
    case 'partial': {
      const perStack: Record<string, string | boolean> = backend.keyTemplate
        ? { key: backend.keyTemplate.replaceAll('{stack}', context.stackName), encrypt: true, use_lockfile: true }
        : {};
      new PartialBackend(stack, backend.type, perStack);
      return;
    }
    case 'cloud': {
      new CloudBackend(stack, {
        organization: backend.organization,
        workspaces: new NamedCloudWorkspace(backend.workspace ?? context.stackName, backend.project),
        ...(backend.hostname ? { hostname: backend.hostname } : {}),
      });
      return;
    }
  }
}

/** A backend block holding only some of its settings; `terraform init -backend-config` supplies the others. */
class PartialBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    type: string,
    private readonly attributes: Readonly<Record<string, string | boolean>>,
  ) {
    super(scope, 'backend', type);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.attributes };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return { ...this.attributes };
  }

  /** Cross-stack references read a stack's state through its backend; a partial configuration leaves where it is to `terraform init`. */
  override getRemoteStateDataSource(): never {
    throw new Error('Expected no cross-stack reference with a partial backend configuration (TF_BACKEND_CONFIG_FILE), because the state location is known only to terraform init, but one was made.');
  }
}
