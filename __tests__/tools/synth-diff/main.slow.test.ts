/** npm run synth-diff end to end: a temporary worktree of HEAD and the working tree, synthesized. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../stacks/support';

describe('npm run synth-diff', () => {
  const command = (args: string[]) =>
    spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['tools/synth-diff/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });

  it('synthesizes HEAD in a temporary worktree and the working tree, and prints Markdown', () => {
    const result = command(['--base', 'HEAD']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^## Synthesized Terraform: HEAD \([0-9a-f]{12}\) → working tree\n/);
    expect(result.stdout).toContain('image-processor-dev');
  }, 300_000);

  it('exits 2 for a ref that names no commit', () => {
    const result = command(['--base', 'no-such-branch']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('Expected --base to name a commit of this repository (a branch, tag or sha such as HEAD~1), but "no-such-branch" is none.');
  });
});
