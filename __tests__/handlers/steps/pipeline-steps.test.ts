/**
 * The steps chained by hand, as the state machine chains them, over in-memory ports: what each
 * one reads and writes, and that the original is decoded once.
 */
import sharp from 'sharp';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { DEFAULT_PRESET } from '../../../handlers/core/preset';
import { applyFilters, resizeImage } from '../../../handlers/steps/derive-renditions';
import { notifyError, notifySuccess } from '../../../handlers/steps/notify';
import { optimizeImage } from '../../../handlers/steps/optimize';
import { validateUpload } from '../../../handlers/steps/validate';
import type { RawPointer } from '../../../handlers/workflow/events';
import { photoLikeJpeg, truncatedJpeg } from '../../fixtures/images';
import { MemoryJobStore, MemoryNotifier, MemoryObjectStore } from './memory-ports';

const work = { bucket: 'processed', prefix: '_work/' };

async function setup(bytes: Buffer) {
  const objects = new MemoryObjectStore();
  const jobs = new MemoryJobStore();
  const notifier = new MemoryNotifier();
  await objects.put({ bucket: 'raw', key: 'uploads/photo.jpg' }, bytes, { contentType: 'image/jpeg' });
  const job = { jobId: 'photo-1', source: { bucket: 'raw', key: 'uploads/photo.jpg', size: bytes.length } };
  await jobs.create({ ...job, receivedAt: '2026-11-27T10:00:00.000Z' });
  const common = { objects, jobs, work, preset: DEFAULT_PRESET };
  return { objects, jobs, notifier, job, common };
}

describe('the workflow steps', () => {
  it('derive seven outputs from one working image, leaving no scratch behind at the end', async () => {
    const { objects, jobs, notifier, job, common } = await setup(await photoLikeJpeg(2400, 1600));

    const validation = await validateUpload(job, { ...common, limits: DEFAULT_LIMITS });
    if (!validation.valid) throw new Error(validation.error.message);
    expect(validation.master).toMatchObject({ bucket: 'processed', key: '_work/photo-1/master.raw', width: 2048, height: 1365, channels: 3 });

    const master = validation.master!;
    const resized = await resizeImage({ jobId: job.jobId, master }, common);
    const filtered = await applyFilters({ jobId: job.jobId, master }, common);
    // The large rendition is the working image itself: referenced, not copied.
    expect(resized.renditions.find((r) => r.name === 'large')?.raw).toEqual(validation.master);
    expect(filtered.renditions.map((r) => [r.name, r.filter])).toEqual([['medium-grayscale', 'grayscale']]);

    const { outputs } = await optimizeImage(
      { jobId: job.jobId, resized: resized.renditions, filtered: filtered.renditions },
      { ...common, outputBucket: 'processed' },
    );
    expect(outputs.map((o) => o.name).sort()).toEqual(
      ['large.jpg', 'large.webp', 'medium-grayscale.webp', 'medium.jpg', 'medium.webp', 'thumb.jpg', 'thumb.webp'],
    );
    const thumb = outputs.find((o) => o.name === 'thumb.webp')!;
    const stored = objects.objects.get(`processed/${thumb.key}`)!;
    expect(await sharp(stored.body).metadata()).toMatchObject({ format: 'webp', width: 320, height: 213 });
    expect(stored.contentType).toBe('image/webp');

    // Scratch survives OptimizeImage so a retry finds its inputs; the terminal step removes it.
    expect(objects.keys('processed', '_work/').length).toBeGreaterThan(0);
    await notifySuccess({ jobId: job.jobId, source: job.source, outputs }, { jobs, notifier, objects, work });
    expect(objects.keys('processed', '_work/')).toEqual([]);
    expect(jobs.jobs.get(job.jobId)).toMatchObject({ status: 'SUCCEEDED', outputs });
    expect(notifier.succeeded).toHaveLength(1);
  });

  it('returns a verdict, not an error, for a damaged upload', async () => {
    const { job, common } = await setup(truncatedJpeg(await photoLikeJpeg(640, 480)));
    const validation = await validateUpload(job, { ...common, limits: DEFAULT_LIMITS });
    expect(validation).toEqual({ valid: false, error: { code: 'CORRUPT', message: expect.any(String) } });
  });

  it('rejects an upload over the byte limit from the event, without reading it', async () => {
    const { objects, job, common } = await setup(await photoLikeJpeg(64, 64));
    const validation = await validateUpload(job, { ...common, limits: { ...DEFAULT_LIMITS, maxBytes: 100 } });
    expect(validation.valid === false && validation.error.code).toBe('TOO_LARGE');
    expect(objects.reads).toBe(0);
  });

  it('on failure removes partial outputs and scratch, keeps the original, records and publishes the code', async () => {
    const { objects, jobs, notifier, job, common } = await setup(await photoLikeJpeg(64, 64));
    await objects.put({ bucket: 'processed', key: 'photo-1/thumb.webp' }, Buffer.from('partial'), { contentType: 'image/webp' });
    await objects.put({ bucket: 'processed', key: '_work/photo-1/master.raw' }, Buffer.from('raw'), { contentType: 'x' });
    await objects.put({ bucket: 'processed', key: 'photo-10/thumb.webp' }, Buffer.from('other job'), { contentType: 'image/webp' });

    const caught = { Error: 'INTERNAL', Cause: JSON.stringify({ errorType: 'INTERNAL', errorMessage: 'optimize failed' }) };
    await notifyError({ jobId: job.jobId, source: job.source, error: caught }, { ...common, notifier, outputBucket: 'processed' });

    expect(objects.keys('processed')).toEqual(['photo-10/thumb.webp']);
    expect(objects.keys('raw')).toEqual(['uploads/photo.jpg']);
    expect(jobs.jobs.get(job.jobId)).toMatchObject({ status: 'FAILED', error: { code: 'INTERNAL', message: 'optimize failed' } });
    expect(notifier.failed).toEqual([{ jobId: job.jobId, source: job.source, error: { code: 'INTERNAL', message: 'optimize failed' } }]);
  });

  it('keeps the outputs of a job that had already succeeded when a later failure reaches NotifyError', async () => {
    const { objects, jobs, notifier, job, common } = await setup(await photoLikeJpeg(64, 64));
    await objects.put({ bucket: 'processed', key: 'photo-1/thumb.webp' }, Buffer.from('real'), { contentType: 'image/webp' });
    await objects.put({ bucket: 'processed', key: '_work/photo-1/master.raw' }, Buffer.from('raw'), { contentType: 'x' });
    await jobs.advance(job.jobId, 'SUCCEEDED');

    const caught = { Error: 'TRANSIENT', Cause: JSON.stringify({ errorType: 'TRANSIENT', errorMessage: 'SNS Publish throttled' }) };
    await expect(
      notifyError({ jobId: job.jobId, source: job.source, error: caught }, { ...common, notifier, outputBucket: 'processed' }),
    ).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('outputs are kept') });

    expect(objects.keys('processed')).toEqual(['photo-1/thumb.webp']);
    expect(jobs.jobs.get(job.jobId)?.status).toBe('SUCCEEDED');
    expect(notifier.failed).toHaveLength(0);
  });

  it('refuses to record success for a job already failed', async () => {
    const { objects, jobs, notifier, job } = await setup(await photoLikeJpeg(64, 64));
    await jobs.advance(job.jobId, 'FAILED');
    await expect(notifySuccess({ jobId: job.jobId, source: job.source, outputs: [] }, { jobs, notifier, objects, work })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(notifier.succeeded).toHaveLength(0);
  });

  it('reports a working image whose size does not match its pointer', async () => {
    const { objects, common } = await setup(await photoLikeJpeg(64, 64));
    const master: RawPointer = { bucket: 'processed', key: '_work/x/master.raw', width: 10, height: 10, channels: 3 };
    await objects.put(master, Buffer.alloc(10), { contentType: 'application/octet-stream' });
    await expect(resizeImage({ jobId: 'x', master }, common)).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
