/**
 * `npm ci` for another platform (`--os`, `--cpu`, `--libc`) in a folder holding a generated
 * package.json and package-lock.json: npm checks every tarball against the lock's integrity, so a
 * build installs exactly the bytes the lock names. Packaging uses it for the sharp layer and for
 * the fleet's Node runtime.
 */
import { spawn } from 'node:child_process';

/** npm's error codes for a registry it cannot reach. */
const UNREACHABLE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ENOTCACHED)\b/;

/** npm settings that only say where and how to reach the registry survive; the rest of an outer `npm run`'s config does not leak in. */
const NPM_CONNECTION_SETTING = /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile|ca|fetch_[a-z_]+|@.*|\/\/.*)$/i;

export interface Platform {
  readonly os: string;
  readonly cpu: string;
  readonly libc?: string;
}

/**
 * Runs `npm ci` for `platform` in `cwd` without install scripts. `purpose` completes "while …" in
 * the error of a failed install; `unreachable` builds the error for a registry npm cannot reach.
 */
export function npmCiForPlatform(cwd: string, platform: Platform, purpose: string, unreachable: (registry: string, reason: string) => Error): Promise<void> {
  const args = ['ci', `--os=${platform.os}`, `--cpu=${platform.cpu}`, ...(platform.libc ? [`--libc=${platform.libc}`] : []), '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_(config|package|lifecycle)_/i.test(name) || NPM_CONNECTION_SETTING.test(name)),
  );
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new Error(`Could not run npm while ${purpose}: ${error.message}`)));
    child.on('close', (code) => {
      const reason = UNREACHABLE.exec(output)?.[1];
      if (code === 0) resolvePromise();
      else if (reason) reject(unreachable(env.npm_config_registry ?? 'https://registry.npmjs.org/', reason));
      else reject(new Error(`\`npm ${args.join(' ')}\` failed with exit code ${code} while ${purpose}:\n${output.trim()}`));
    });
  });
}
