/**
 * Runs the cdktf 0.21 CLI on Node 22 while the app it starts runs on Node 24.
 *
 * The CLI loads node-pty (`@cdktf/node-pty-prebuilt-multiarch`) on every command, and its prebuilt
 * binaries stop at Node 22's ABI; on Node 24 the CLI dies with ERR_DLOPEN_FAILED. The `node22`
 * devDependency (an npm alias of the `node` package) brings a Node 22 binary into
 * node_modules/node22/bin; the CLI runs on it. cdktf.json's `app` names Node 24's binary
 * (node_modules/node/bin/node) itself, and the PATH the CLI passes on starts with it too.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { REPOSITORY_ROOT } from '../../stacks/packaging/artifacts';
import { EXIT, SystemError } from '../cli/command';

type Environment = Readonly<Record<string, string | undefined>>;

export interface CdktfInvocation {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Record<string, string | undefined>;
}

export function cdktfInvocation(args: readonly string[], env: Environment = process.env, root = REPOSITORY_ROOT): CdktfInvocation {
  const node22 = join(root, 'node_modules', 'node22', 'bin', 'node');
  const cli = join(root, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');
  for (const [path, what] of [
    [node22, 'Node 22 for the cdktf CLI (the node22 devDependency)'],
    [cli, 'the cdktf CLI (the cdktf-cli devDependency)'],
  ] as const) {
    if (!existsSync(path)) throw new SystemError(`Expected ${what} at ${path}, but it is missing: run npm ci.`);
  }
  const path = [join(root, 'node_modules', 'node', 'bin'), join(root, 'node_modules', '.bin'), env.PATH ?? ''].join(delimiter);
  return {
    command: node22,
    args: [cli, ...args],
    // No version check or crash reports leave the machine; the CLI's own prompts stay as they are.
    env: { ...env, PATH: path, CHECKPOINT_DISABLE: env.CHECKPOINT_DISABLE ?? '1' },
  };
}

/** Runs the CLI with the terminal attached (deploy asks before applying); resolves to its exit code. */
export function runCdktf(args: readonly string[], options: { readonly env?: Environment; readonly cwd?: string } = {}): Promise<number> {
  const invocation = cdktfInvocation(args, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(invocation.command, invocation.args, { cwd: options.cwd ?? REPOSITORY_ROOT, env: invocation.env, stdio: 'inherit' });
    child.on('error', (error) => reject(new SystemError(`Could not start the cdktf CLI on Node 22: ${error.message}.`)));
    child.on('close', (code) => resolve(code ?? EXIT.system));
  });
}
