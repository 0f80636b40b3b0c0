import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { functionArtifacts, type FunctionArtifact } from '../../../stacks/packaging/artifacts';
import { readZipEntries, ROOT } from '../../stacks/support';

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = join(ROOT, 'tools', 'stack-trace', 'main.ts');

/** The stack trace of the error the validate bundle throws when its settings are missing, as Lambda would log it. */
function bundleStackTrace(artifact: FunctionArtifact, directory: string): string {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'index.js'), readZipEntries(readFileSync(artifact.path)).get('index.js')!);
  const script = `require(${JSON.stringify(join(directory, 'index.js'))}).handler({}, {}).catch((error) => process.stdout.write(error.stack));`;
  const run = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', NODE_PATH: join(ROOT, 'node_modules') },
  });
  return run.stdout;
}

describe('npm run stack-trace', () => {
  const directory = join(ROOT, '.build', `test-stack-trace-${process.pid}`);
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('shows the frames of a bundle’s stack trace at their source positions, and names the zip it holds for', async () => {
    const artifact = (await functionArtifacts()).validate;
    const trace = bundleStackTrace(artifact, directory);
    expect(trace).toMatch(/index\.js:\d+:\d+/);
    expect(trace).not.toContain('handlers/');

    const run = spawnSync(TSX, [MAIN, 'validate'], { cwd: ROOT, input: trace, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Expected the environment variable [A-Z_]+ to be set/);
    expect(run.stdout).toMatch(/handlers\/runtime\/variables\.ts:\d+:\d+/);
    expect(run.stdout).toMatch(/handlers\/entrypoints\/lambda\/validate\.ts:\d+:\d+/);
    expect(run.stdout).not.toMatch(/index\.js:\d+:\d+/);
    expect(run.stderr).toContain(artifact.sha256Base64);
  });

  it('says what it expected when the function is unknown or the file unreadable, and exits 2', () => {
    const unknown = spawnSync(TSX, [MAIN, 'no-such-function'], { cwd: ROOT, input: '', encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Expected a function name and at most one file, but received ["no-such-function"]');
    const missing = spawnSync(TSX, [MAIN, 'validate', join(directory, 'missing.txt')], { cwd: ROOT, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('could not be read (ENOENT)');
    expect(`${unknown.stderr}${missing.stderr}`).not.toMatch(/\n\s+at /);
  });
});
