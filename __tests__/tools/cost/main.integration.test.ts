import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../stacks/support';

describe('npm run cost', () => {
  const cost = (args: string[]) => spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['tools/cost/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

  it('prints the bill as JSON for a stage and a volume', () => {
    const result = cost(['--stage', 'prod', '--images-per-month', '250000', '--json']);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as { stage: string; imagesPerMonth: number; monthly: { total: number }; perMillionImages: { standard: number; express: number } };
    expect(json).toMatchObject({ stage: 'prod', imagesPerMonth: 250000 });
    expect(json.perMillionImages.express).toBeLessThan(json.perMillionImages.standard);
  }, 120_000);

  it('exits 2 for an unknown stage or a volume that is not a number', () => {
    expect(cost(['--stage', 'qa'])).toMatchObject({ status: 2, stderr: 'Expected --stage to be a configured stage (dev, prod), but received "qa".\n' });
    expect(cost(['--images-per-month', 'lots']).status).toBe(2);
  }, 120_000);
});
