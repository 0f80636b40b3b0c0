/** ValidateImage over in-memory ports: what it records on the job besides its verdict. */
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { DEFAULT_PRESET } from '../../../handlers/core/preset';
import { validateUpload } from '../../../handlers/steps/validate';
import { photoLikeJpeg } from '../../fixtures/images';
import { geoTiff } from '../../fixtures/tiff-files';
import { MemoryJobStore, MemoryObjectStore } from './memory-ports';

async function validate(bytes: Buffer) {
  const objects = new MemoryObjectStore();
  const jobs = new MemoryJobStore();
  await objects.put({ bucket: 'raw', key: 'uploads/upload' }, bytes, { contentType: 'application/octet-stream' });
  const job = { jobId: 'job-1', source: { bucket: 'raw', key: 'uploads/upload', size: bytes.length } };
  await jobs.create({ ...job, receivedAt: '2026-11-27T10:00:00.000Z' });
  const work = { bucket: 'processed', prefix: '_work/' };
  const log = { warn: (message: string, attributes: Readonly<Record<string, unknown>>) => void logged.push([message, attributes]) };
  const result = await validateUpload(job, { objects, jobs, work, preset: DEFAULT_PRESET, limits: DEFAULT_LIMITS, log });
  return { result, record: await jobs.get(job.jobId) };
}

const logged: [string, Readonly<Record<string, unknown>>][] = [];
beforeEach(() => {
  logged.length = 0;
});

describe('validateUpload and decoder warnings', () => {
  it('accepts a GeoTIFF whose GeoAsciiParams lacks its NUL, names the warning on the job and logs one warning with it', async () => {
    const { result, record } = await validate(await geoTiff({ nul: false }));
    const warnings = ['ASCII value for ASCII array tag "Tag 34737" does not end in null byte. Forcing it to be null'];
    expect(result).toMatchObject({ valid: true, format: 'tiff', width: 320, height: 240 });
    expect(record).toMatchObject({ status: 'VALIDATING', details: { warnings } });
    expect(logged).toEqual([[expect.stringMatching(/metadata/), { warnings }]]);
  });

  it('records nothing more and logs nothing for a clean upload', async () => {
    const { result, record } = await validate(await photoLikeJpeg(320, 240));
    expect(result.valid).toBe(true);
    expect(record).not.toHaveProperty('details');
    expect(logged).toEqual([]);
  });
});
