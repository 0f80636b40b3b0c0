/**
 * ValidateImage reads an upload's first 64 KiB on their own: a bogus or oversized upload costs
 * that read, not a download of the whole file.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { HEADER_PREFIX_BYTES } from '../../../handlers/core/inspect';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { DEFAULT_PRESET } from '../../../handlers/core/preset';
import { validateUpload } from '../../../handlers/steps/validate';
import { photoLikeJpeg } from '../../fixtures/images';
import { MemoryJobStore, MemoryObjectStore } from './memory-ports';

async function validate(bytes: Buffer) {
  const objects = new MemoryObjectStore();
  const jobs = new MemoryJobStore();
  await objects.put({ bucket: 'raw', key: 'uploads/upload' }, bytes, { contentType: 'application/octet-stream' });
  const job = { jobId: 'job-1', source: { bucket: 'raw', key: 'uploads/upload', size: bytes.length } };
  await jobs.create({ ...job, receivedAt: '2026-12-01T10:00:00.000Z' });
  const result = await validateUpload(job, { objects, jobs, work: { bucket: 'processed', prefix: '_work/' }, preset: DEFAULT_PRESET, limits: DEFAULT_LIMITS });
  return { result, bytesRead: objects.bytesRead };
}

describe('validateUpload reads the header first', () => {
  it('refuses 40 MB of random bytes having read 64 KiB of them', async () => {
    const { result, bytesRead } = await validate(randomBytes(40 * 1024 * 1024));
    expect(result).toMatchObject({ valid: false, error: { code: 'UNSUPPORTED_FORMAT' } });
    expect(bytesRead).toBe(HEADER_PREFIX_BYTES);
  });

  it('refuses a large image whose header declares too many pixels having read 64 KiB of it', async () => {
    // A real 12,000 × 9,000 PNG (108 MP, over the 100 MP limit) padded to several MB: IHDR is in its first bytes.
    const png = await sharp({ create: { width: 12_000, height: 9_000, channels: 3, background: '#336699' } }).png({ compressionLevel: 1 }).toBuffer();
    const padded = Buffer.concat([png, randomBytes(3 * 1024 * 1024)]);
    const { result, bytesRead } = await validate(padded);
    expect(result).toMatchObject({ valid: false, error: { code: 'TOO_MANY_PIXELS' } });
    expect(bytesRead).toBe(HEADER_PREFIX_BYTES);
  });

  it('reads a valid upload larger than the header exactly once, in two parts', async () => {
    const photo = await photoLikeJpeg(2400, 1600);
    expect(photo.length).toBeGreaterThan(HEADER_PREFIX_BYTES);
    const { result, bytesRead } = await validate(photo);
    expect(result).toMatchObject({ valid: true, format: 'jpeg', width: 2400, height: 1600 });
    expect(bytesRead).toBe(photo.length);
  });

  it('reads an upload no larger than the header in one go', async () => {
    const small = await photoLikeJpeg(64, 48);
    expect(small.length).toBeLessThanOrEqual(HEADER_PREFIX_BYTES);
    const { result, bytesRead } = await validate(small);
    expect(result).toMatchObject({ valid: true });
    expect(bytesRead).toBe(small.length);
  });
});
