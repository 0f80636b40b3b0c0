/** The measurement behind the cost model, on one sample through the local pipeline (loopback emulators only). */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureUsage } from '../../../tools/cost/measure';
import { ROOT } from '../../stacks/support';

describe('measureUsage', () => {
  it('records durations, transitions and billable requests of one image', async () => {
    const samples = mkdtempSync(join(tmpdir(), 'cost-samples-'));
    try {
      copyFileSync(join(ROOT, 'samples', 'landscape.jpg'), join(samples, 'landscape.jpg'));
      const usage = await measureUsage(samples);
      expect(usage).toMatchObject({ images: 1, path: 'success', stateTransitions: 8, snsPublishes: 1, dynamoReadUnits: 0 });
      expect(Object.keys(usage.durationsMs).sort()).toEqual(['filters', 'notify-success', 'optimize', 'resize', 'start-workflow', 'validate']);
      // The upload, the working image, two scratch renditions (large is the working image itself), the grayscale variant, seven outputs, the scratch listing.
      expect(usage.s3Writes).toBe(13);
      // Validate reads the upload in two parts (its first 64 KiB, then the rest); resize and filters the working image; optimize the working image and three scratch images.
      expect(usage.s3Reads).toBe(8);
      expect(usage.uploadBytes).toBeGreaterThan(0);
      expect(usage.workBytes).toBeGreaterThan(usage.outputBytes);
    } finally {
      rmSync(samples, { recursive: true, force: true });
    }
  }, 120_000);
});
