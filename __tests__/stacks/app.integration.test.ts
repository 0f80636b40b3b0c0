import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { synth } from '../../stacks/app';
import { ConfigError } from '../../stacks/config/errors';
import { ROOT } from './support';

const OUT = join(ROOT, '.build', `test-main-${process.pid}`);
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('the cdktf app', () => {
  it('writes one stack per configured stage', async () => {
    await synth({ outdir: join(OUT, 'staged'), env: { IMAGE_PROCESSOR_STAGES: 'dev,qa' } });
    expect(readdirSync(join(OUT, 'staged', 'stacks')).sort()).toEqual(['image-processor-dev', 'image-processor-qa']);
    expect(existsSync(join(OUT, 'staged', 'manifest.json'))).toBe(true);
  });

  it('reports stage and backend problems together, before building anything', async () => {
    const failure = synth({ outdir: join(OUT, 'bad'), env: { IMAGE_PROCESSOR_LOG_RETENTION_DAYS: '45', TF_STATE_KEY: 'x' } });
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toMatchObject({
      problems: [expect.stringContaining('logRetentionDays'), expect.stringContaining('Expected TF_STATE_BUCKET to be set when TF_STATE_KEY is set')],
    });
    expect(existsSync(join(OUT, 'bad', 'stacks'))).toBe(false);
  });
});
