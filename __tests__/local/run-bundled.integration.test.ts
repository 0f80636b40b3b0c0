/**
 * local/run-bundled.cjs, what `npm start` and `npm run process` run: the command from its bundle,
 * built once and reused until one of its sources changes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './run-cli';

const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const MANIFEST = join(ROOT, '.build', 'local', 'manifest.json');

function launch(...args: string[]) {
  return spawnSync(NODE, [join(ROOT, 'local', 'run-bundled.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

describe('local/run-bundled.cjs', () => {
  it('runs each command from its bundle with the command’s own arguments', () => {
    const start = launch('local/main.ts', '--help');
    expect([start.status, start.stderr]).toEqual([0, '']);
    expect(start.stdout).toMatch(/^Usage: npm start -- /);
    const processCommand = launch('local/process-cli.ts', '--help');
    expect(processCommand.status).toBe(0);
    expect(processCommand.stdout).toMatch(/npm run process/);
    const bundled = readFileSync(join(ROOT, '.build', 'local', 'main.js'), 'utf8');
    // Minified, the bundle names its sources only in its source map.
    const { sources } = JSON.parse(readFileSync(join(ROOT, '.build', 'local', 'main.js.map'), 'utf8')) as { sources: string[] };
    // Our modules and the packages that can be bundled are inside; sharp and dynalite load from node_modules.
    expect(sources.map((source) => resolve(ROOT, '.build', 'local', source))).toContain(join(ROOT, 'local', 'system.ts'));
    expect(sources.some((source) => source.includes('node_modules/@aws-sdk/client-s3/'))).toBe(true);
    expect(bundled).toMatch(/require\("sharp"\)/);
    expect(bundled).toMatch(/require\("dynalite"\)/);
  });

  it('reuses the bundle until one of its sources changes, then rebuilds it', () => {
    expect(launch('local/main.ts', '--help').status).toBe(0);
    const built = statSync(MANIFEST).mtimeMs;
    expect(launch('local/main.ts', '--help').status).toBe(0);
    expect(statSync(MANIFEST).mtimeMs).toBe(built);

    const source = join(ROOT, 'local', 'cli-options.ts');
    const { atime, mtime } = statSync(source);
    try {
      utimesSync(source, atime, new Date(mtime.getTime() + 1000));
      expect(launch('local/main.ts', '--help').status).toBe(0);
      expect(statSync(MANIFEST).mtimeMs).toBeGreaterThan(built);
    } finally {
      utimesSync(source, atime, mtime);
    }
  });

  it('names what it expected when the command is not one of its own, and exits 1', () => {
    const run = launch('local/nothing.ts');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("expected the command's source (local/main.ts or local/process-cli.ts) as the first argument, but received \"local/nothing.ts\"");
  });
});
