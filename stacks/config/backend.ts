/**
 * Where each stack keeps its Terraform state, chosen from the environment (stacks/backend.ts
 * configures it on the stack). Problems are reported together, like the settings'.
 */
import { ConfigError } from './errors';
import { REGION } from './shapes';

type Environment = Readonly<Record<string, string | undefined>>;

export type BackendConfig =
  | { readonly kind: 'local' }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** The key with `{stack}` standing for the stack name. */
      readonly keyTemplate: string;
      /** Unset: each stack's own region. */
      readonly region?: string;
      /** A customer managed KMS key for the state objects. Unset: SSE-S3. */
      readonly kmsKeyId?: string;
    }
  | {
      readonly kind: 'partial';
      /** The `-backend-config` file `terraform init` reads, with `{stack}` standing for the stack name. */
      readonly configFileTemplate: string;
      /** The backend type declared in the stack (s3 by default). */
      readonly type: string;
      /** The S3 key with `{stack}` standing for the stack name (s3 only: every stack needs its own state). */
      readonly keyTemplate?: string;
    }
  | {
      readonly kind: 'cloud';
      readonly organization: string;
      readonly hostname?: string;
      readonly project?: string;
      /** TF_WORKSPACE: one workspace for the single stack synthesized. Unset: one workspace per stack, named after it. */
      readonly workspace?: string;
    };

export const DEFAULT_STATE_KEY_PREFIX = 'image-processor';

/**
 * - nothing set: local state files `terraform.<stack>.tfstate` in the project root;
 * - `TF_STATE_BUCKET`: the S3 backend with native lock files (`use_lockfile`), key
 *   `TF_STATE_KEY` (a prefix, or a template containing `{stack}`; default `image-processor`, giving
 *   `image-processor/<stack>.tfstate`) in `TF_STATE_REGION` (default: the stack's region);
 *   `TF_STATE_KMS_KEY_ID` encrypts the state with a customer managed KMS key;
 * - `TF_BACKEND_CONFIG_FILE` (optional `TF_BACKEND_TYPE`, default s3): a partial configuration —
 *   the stack declares the backend (for s3 with its own key, encryption and lock file) and
 *   `terraform init -backend-config=<file>` supplies the rest; `{stack}` in the path is the stack name;
 * - `TF_CLOUD_ORGANIZATION` (optional `TF_CLOUD_HOSTNAME`, `TF_CLOUD_PROJECT`): HCP Terraform,
 *   one workspace per stack named after it, or the one named by `TF_WORKSPACE`.
 */
export function loadBackendConfig(env: Environment = process.env): BackendConfig {
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const bucket = value('TF_STATE_BUCKET');
  const key = value('TF_STATE_KEY');
  const region = value('TF_STATE_REGION');
  const organization = value('TF_CLOUD_ORGANIZATION');
  const kmsKeyId = value('TF_STATE_KMS_KEY_ID');
  const configFile = value('TF_BACKEND_CONFIG_FILE');
  const backendType = value('TF_BACKEND_TYPE');
  const problems: string[] = [];
  const chosen = [bucket && 'TF_STATE_BUCKET (S3)', configFile && 'TF_BACKEND_CONFIG_FILE (partial configuration)', organization && 'TF_CLOUD_ORGANIZATION (HCP Terraform)'].filter(Boolean);
  if (chosen.length > 1) {
    problems.push(`Expected one state backend, but ${chosen.length === 2 ? 'both ' : ''}${chosen.join(' and ')} are set: unset all but one.`);
  }
  if (!bucket) {
    // A partial configuration takes TF_STATE_KEY (each stack's key); the rest belongs in its file.
    const ignored = (configFile ? [region && 'TF_STATE_REGION'] : [key && 'TF_STATE_KEY', region && 'TF_STATE_REGION', kmsKeyId && 'TF_STATE_KMS_KEY_ID']).filter(Boolean);
    if (ignored.length > 0) {
      problems.push(`Expected TF_STATE_BUCKET to be set when ${ignored.join(' and ')} ${ignored.length > 1 ? 'are' : 'is'} set (they only configure the S3 backend), but it is not.`);
    }
  }
  if (configFile && kmsKeyId) {
    problems.push('Expected the KMS key of a partial S3 configuration in its TF_BACKEND_CONFIG_FILE (kms_key_id = "…"), but TF_STATE_KMS_KEY_ID is set.');
  }
  if (!configFile && backendType) {
    problems.push('Expected TF_BACKEND_CONFIG_FILE to be set when TF_BACKEND_TYPE is set (it only names the backend of a partial configuration), but it is not.');
  }
  if (backendType && !/^[a-z][a-z0-9]*$/.test(backendType)) {
    problems.push(`Expected TF_BACKEND_TYPE to be a Terraform backend type such as s3, azurerm or gcs, but received ${JSON.stringify(backendType)}.`);
  }
  if (key && configFile && backendType && backendType !== 's3') {
    problems.push(`Expected TF_STATE_KEY only with an s3 backend, but TF_BACKEND_TYPE is ${JSON.stringify(backendType)}: give each stack its own state in its TF_BACKEND_CONFIG_FILE ({stack} in the path).`);
  }
  if (kmsKeyId && !/^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)|alias\/[A-Za-z0-9/_-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.test(kmsKeyId)) {
    problems.push(`Expected TF_STATE_KMS_KEY_ID to be a KMS key ARN, key id or alias (alias/…), but received ${JSON.stringify(kmsKeyId)}.`);
  }
  const workspace = value('TF_WORKSPACE');
  if (organization && workspace && !/^[A-Za-z0-9_-]{1,90}$/.test(workspace)) {
    problems.push(`Expected TF_WORKSPACE to be an HCP Terraform workspace name (letters, digits, - and _, at most 90), but received ${JSON.stringify(workspace)}.`);
  }
  if (!organization && (value('TF_CLOUD_HOSTNAME') || value('TF_CLOUD_PROJECT'))) {
    problems.push('Expected TF_CLOUD_ORGANIZATION to be set when TF_CLOUD_HOSTNAME or TF_CLOUD_PROJECT is set, but it is not.');
  }
  if (bucket && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    problems.push(`Expected TF_STATE_BUCKET to be an S3 bucket name (3–63 lowercase letters, digits, dots and hyphens), but received ${JSON.stringify(bucket)}.`);
  }
  let keyTemplate = `${DEFAULT_STATE_KEY_PREFIX}/{stack}.tfstate`;
  if (key) {
    if (key.startsWith('/') || /\s/.test(key)) {
      problems.push(`Expected TF_STATE_KEY to be an S3 key prefix or template without a leading slash or spaces, but received ${JSON.stringify(key)}.`);
    } else if (key.includes('{stack}')) {
      keyTemplate = key;
    } else if (key.endsWith('.tfstate')) {
      problems.push(
        `Expected TF_STATE_KEY to be a prefix (such as team/image-processor) or to contain {stack} (such as team/{stack}.tfstate), because every stack needs its own state, but received ${JSON.stringify(key)}.`,
      );
    } else {
      keyTemplate = `${key.replace(/\/+$/, '')}/{stack}.tfstate`;
    }
  }
  if (region && !REGION.pattern.test(region)) {
    problems.push(`Expected TF_STATE_REGION to be an AWS region name such as us-east-1, but received ${JSON.stringify(region)}.`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (bucket) return { kind: 's3', bucket, keyTemplate, ...(region ? { region } : {}), ...(kmsKeyId ? { kmsKeyId } : {}) };
  if (configFile) {
    const type = backendType ?? 's3';
    return { kind: 'partial', configFileTemplate: configFile, type, ...(type === 's3' ? { keyTemplate } : {}) };
  }
  if (organization) {
    const hostname = value('TF_CLOUD_HOSTNAME');
    const project = value('TF_CLOUD_PROJECT');
    return { kind: 'cloud', organization, ...(hostname ? { hostname } : {}), ...(project ? { project } : {}), ...(workspace ? { workspace } : {}) };
  }
  return { kind: 'local' };
}
