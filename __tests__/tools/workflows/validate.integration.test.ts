/** The GitHub Actions workflows, checked with GitHub's own parser (run through tsx: the parser is ESM only). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../stacks/support';

const check = (folder?: string) =>
  spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['tools/workflows/validate.ts', ...(folder ? [folder] : [])], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

describe('the workflows', () => {
  it('are valid GitHub Actions workflows with every action pinned', () => {
    const result = check();
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('Every workflow is valid.\n');
    expect(result.status).toBe(0);
  });

  it('reject a broken workflow: an unknown key, a missing runs-on, a bad expression, an unpinned action', () => {
    const folder = mkdtempSync(join(tmpdir(), 'workflows-'));
    try {
      writeFileSync(join(folder, 'broken.yml'), ['on: push', 'jobs:', '  a:', '    stepz: []', '  b:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout', '      - run: echo ${{ github.( }}', ''].join('\n'));
      const result = check(folder);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("Unexpected value 'stepz'");
      expect(result.stderr).toMatch(/runs-on/);
      expect(result.stderr).toMatch(/broken\.yml \(Line: 9/);
      expect(result.stderr).toContain('expected actions/checkout to be pinned to a version');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('run the README’s test command in ci.yml, the synth diff before any plan, and prod after dev', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const ci = readFileSync(join(ROOT, '.github', 'workflows', 'ci.yml'), 'utf8');
    expect(readme).toContain('npm ci && npm test');
    expect(ci).toContain('- run: npm ci && npm test');
    const plan = readFileSync(join(ROOT, '.github', 'workflows', 'plan.yml'), 'utf8');
    expect(plan).toMatch(/plan:\n\s+needs: synth-diff/);
    expect(plan).toContain('aws-actions/configure-aws-credentials@v4');
    expect(plan).toContain('id-token: write');
    expect(plan).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
    const deploy = readFileSync(join(ROOT, '.github', 'workflows', 'deploy.yml'), 'utf8');
    expect(deploy).toMatch(/deploy-prod:\n\s+needs: deploy-dev/);
    expect(readFileSync(join(ROOT, '.github', 'workflows', 'deploy-stage.yml'), 'utf8')).toContain('environment: ${{ inputs.stage }}');
  });
});
