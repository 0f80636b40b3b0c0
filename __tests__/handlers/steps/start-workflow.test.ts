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

function deps() {
  return { jobs: new MemoryJobStore(), starter: new MemoryStarter(), uploadsPrefix: 'uploads/' };
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
