/**
 * `npm run lock`: writes the committed provider lock file (`.terraform.lock.hcl` at the repository
 * root, copied into every stack folder by the synth) with the provider's hashes for every platform
 * people and CI run Terraform on. It needs the Terraform registry; CI fails while the file is missing.
 */
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROVIDER_LOCK_FILE, synth } from '../../stacks/app';
import { REPOSITORY_ROOT } from '../../stacks/packaging/artifacts';
import { terraform } from './terraform';

export const LOCK_PLATFORMS = ['linux_amd64', 'linux_arm64', 'darwin_arm64'] as const;

export async function writeProviderLock(options: { readonly env?: Readonly<Record<string, string | undefined>>; readonly timeoutMs?: number } = {}): Promise<string> {
  const env = options.env ?? process.env;
  const app = await synth({ env });
  const stack = app.node.children[0]!.node.id;
  const cwd = resolve(app.outdir, 'stacks', stack);
  await terraform(['providers', 'lock', '-no-color', ...LOCK_PLATFORMS.map((platform) => `-platform=${platform}`)], {
    cwd,
    env,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const target = join(REPOSITORY_ROOT, PROVIDER_LOCK_FILE);
  copyFileSync(join(cwd, PROVIDER_LOCK_FILE), target);
  return target;
}
