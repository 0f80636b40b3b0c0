/**
 * Issue 9, point 5: ValidateImage checks the decoded size from the header against its function's
 * memory before decoding, so an image that cannot fit fails with EXCEEDS_MEMORY (a verdict routed
 * to NotifyError) instead of crashing the function out of memory.
 */
import sharp from 'sharp';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { RUNTIME_RESERVE_BYTES } from '../../../handlers/core/memory';
import { DEFAULT_PRESET } from '../../../handlers/core/preset';
import { validateUpload } from '../../../handlers/steps/validate';
import { MemoryJobStore, MemoryObjectStore } from './memory-ports';

async function setup(width: number, height: number) {
  const bytes = await sharp({ create: { width, height, channels: 4, background: '#336699' } }).toColourspace('rgb16').png().toBuffer();
  const objects = new MemoryObjectStore();
  await objects.put({ bucket: 'raw', key: 'uploads/big.png' }, bytes, { contentType: 'image/png' });
  const job = { jobId: 'big-1', source: { bucket: 'raw', key: 'uploads/big.png', size: bytes.length } };
  const deps = { objects, jobs: new MemoryJobStore(), work: { bucket: 'processed', prefix: '_work/' }, preset: DEFAULT_PRESET, limits: DEFAULT_LIMITS };
  return { objects, job, deps, bytes };
}

it('fails an image whose decode cannot fit the function’s memory with EXCEEDS_MEMORY, before decoding it', async () => {
  const { objects, job, deps, bytes } = await setup(1000, 1000);
  const memoryLimitBytes = RUNTIME_RESERVE_BYTES + bytes.length + 1000 * 1000 * 8 - 1;
  const validation = await validateUpload(job, { ...deps, memoryLimitBytes });
  expect(validation).toEqual({ valid: false, error: { code: 'EXCEEDS_MEMORY', message: expect.stringMatching(/^Expected an image that decodes within the function’s memory/) } });
  expect(objects.keys('processed')).toEqual([]);
});

it('decodes an image that fits, to the byte', async () => {
  const { job, deps, bytes } = await setup(1000, 1000);
  const memoryLimitBytes = RUNTIME_RESERVE_BYTES + bytes.length + 1000 * 1000 * 8;
  expect(await validateUpload(job, { ...deps, memoryLimitBytes })).toMatchObject({ valid: true });
});
