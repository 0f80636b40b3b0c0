import { startWorkflows, type UploadRecord } from '../../../handlers/steps/start-workflow';
import { MemoryJobStore, MemoryStarter } from './memory-ports';

const upload: UploadRecord = {
  bucket: 'raw-uploads',
  key: 'uploads/cat.jpg',
  size: 1000,
  etag: 'etag-1',
  versionId: 'v1',
  eventTime: '2026-11-27T10:00:00.000Z',
};

function deps(type: 'standard' | 'express' = 'standard') {
  return { jobs: new MemoryJobStore(), starter: new MemoryStarter(type), uploadsPrefix: 'uploads/', startLeaseSeconds: 35 };
}

describe('startWorkflows', () => {
  it('records the job and starts one execution named after it, with pointers only', async () => {
    const d = deps();
    const [started] = await startWorkflows([upload], d);
    expect(started?.duplicate).toBe(false);
    expect(d.jobs.jobs.get(started!.jobId)?.status).toBe('RECEIVED');
    const input = JSON.parse(d.starter.executions.get(started!.jobId)!);
    expect(input).toEqual({
      jobId: started!.jobId,
      source: { bucket: 'raw-uploads', key: 'uploads/cat.jpg', size: 1000, versionId: 'v1', etag: 'etag-1' },
      receivedAt: upload.eventTime,
    });
  });

  it('turns a duplicated event into the same job and no second execution', async () => {
    const d = deps();
    const [first] = await startWorkflows([upload], d);
    const [second] = await startWorkflows([{ ...upload }], d);
    expect(second).toEqual({ ...first, duplicate: true });
    expect(d.starter.executions.size).toBe(1);
  });

  it.each(['standard', 'express'] as const)('starts a %s workflow once however often the event is delivered', async (type) => {
    const d = deps(type);
    await startWorkflows([upload], d);
    await startWorkflows([upload], d);
    await startWorkflows([upload, upload], d);
    expect(d.starter.runs).toHaveLength(1);
    expect(d.jobs.jobs.get([...d.jobs.jobs.keys()][0]!)?.executionArn).toBe(`arn:local:${d.starter.runs[0]}:1`);
  });

  it('asks a delivery that arrives while another holds the start lease to retry (TRANSIENT)', async () => {
    const d = deps('express');
    const [first] = await startWorkflows([upload], d);
    // Another delivery took the lease on this job but has not started it yet.
    const job = d.jobs.jobs.get(first!.jobId)!;
    d.jobs.jobs.set(first!.jobId, { ...job, executionArn: undefined, startLeaseUntil: d.jobs.now + 30 } as typeof job);
    await expect(startWorkflows([upload], d)).rejects.toMatchObject({ code: 'TRANSIENT', message: expect.stringContaining('another delivery') });
    // Once the lease has run out (that delivery died), the next delivery starts it.
    d.jobs.now += 31;
    await startWorkflows([upload], d);
    expect(d.starter.runs).toHaveLength(2);
  });

  it('gives the lease back when starting fails, so the retry starts at once', async () => {
    const d = deps('express');
    d.starter.failures.push(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(startWorkflows([upload], d)).rejects.toThrow('throttled');
    const [retried] = await startWorkflows([upload], d);
    expect(retried?.duplicate).toBe(true);
    expect(d.starter.runs).toHaveLength(1);
  });

  it('starts a new job for a new version of the same key', async () => {
    const d = deps();
    const started = await startWorkflows([upload, { ...upload, versionId: 'v2' }], d);
    expect(new Set(started.map((job) => job.jobId)).size).toBe(2);
  });

  it('ignores keys outside the uploads prefix', async () => {
    const d = deps();
    expect(await startWorkflows([{ ...upload, key: 'other/cat.jpg' }], d)).toEqual([]);
    expect(d.jobs.creates).toBe(0);
  });
});
