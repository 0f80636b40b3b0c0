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
    }
  | { readonly kind: 'cloud'; readonly organization: string; readonly hostname?: string; readonly project?: string };

export const DEFAULT_STATE_KEY_PREFIX = 'image-processor';

/**
 * - nothing set: local state files `terraform.<stack>.tfstate` in the project root;
 * - `TF_STATE_BUCKET`: the S3 backend with native lock files (`use_lockfile`), key
 *   `TF_STATE_KEY` (a prefix, or a template containing `{stack}`; default `image-processor`, giving
 *   `image-processor/<stack>.tfstate`) in `TF_STATE_REGION` (default: the stack's region);
 * - `TF_CLOUD_ORGANIZATION` (optional `TF_CLOUD_HOSTNAME`, `TF_CLOUD_PROJECT`): HCP Terraform,
 *   one workspace per stack named after it.
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
  const problems: string[] = [];
  if (bucket && organization) {
    problems.push('Expected one state backend, but both TF_STATE_BUCKET (S3) and TF_CLOUD_ORGANIZATION (HCP Terraform) are set: unset one.');
  }
  if (!bucket && (key || region)) {
    problems.push(`Expected TF_STATE_BUCKET to be set when ${[key && 'TF_STATE_KEY', region && 'TF_STATE_REGION'].filter(Boolean).join(' and ')} ${key && region ? 'are' : 'is'} set (they only configure the S3 backend), but it is not.`);
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
  if (bucket) return { kind: 's3', bucket, keyTemplate, ...(region ? { region } : {}) };
  if (organization) {
    const hostname = value('TF_CLOUD_HOSTNAME');
    const project = value('TF_CLOUD_PROJECT');
    return { kind: 'cloud', organization, ...(hostname ? { hostname } : {}), ...(project ? { project } : {}) };
  }
  return { kind: 'local' };
}
