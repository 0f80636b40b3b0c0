/** `npm run synth`'s command line: help, exit codes, one sentence per problem. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './stacks/support';

function synthCommand(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: join(ROOT, '.build', `test-main-cli-${process.pid}`), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run synth', () => {
  it('explains itself with --help and exits 0', () => {
    const result = synthCommand(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run synth \[-- --hcl\]/);
    expect(result.stdout).toContain('main.tf');
  });

  it('exits 2 with one sentence for an unknown option', () => {
    const result = synthCommand(['--json']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('Expected one of the options --hcl, --help, but received "--json". Usage: npm run synth [-- --hcl]');
  });

  it('exits 2 for a setting that is wrong, naming it, without a stack trace', () => {
    const result = synthCommand([], { IMAGE_PROCESSOR_REGION: 'mars' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Expected region (from IMAGE_PROCESSOR_REGION) to be an AWS region name');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
