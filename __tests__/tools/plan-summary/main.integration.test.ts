import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../stacks/support';

const FIXTURES = join(__dirname, 'fixtures');

describe('npm run plan-summary', () => {
  const run = (args: string[]) => spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['tools/plan-summary/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

  it('renders the fixtures, labelling each plan by its file name', () => {
    const result = run([join(FIXTURES, 'changes', 'image-processor-dev.json')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('| `image-processor-dev` | 0 | 4 | 1 | 1 |');
  });

  it('exits 2 for a file that is not a plan', () => {
    const result = run([join(ROOT, 'package.json')]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^Expected .*package\.json to be the JSON of a plan \(terraform show -json <plan>, with format_version and resource_changes\), but it is not\.$/);
  });
});
