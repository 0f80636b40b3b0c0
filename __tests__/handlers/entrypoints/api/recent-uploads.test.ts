import { RecentUploads } from '../../../../handlers/entrypoints/api/recent-uploads';
import type { UploadRecord, UploadWithJobs } from '../../../../handlers/adapters/upload-store';
import type { UploadsDeps } from '../../../../handlers/entrypoints/api/uploads';

const upload = (uploadId: string): UploadRecord => ({
  uploadId,
  owner: 'alice',
  fileName: 'a.jpg',
  album: null,
  contentType: 'image/jpeg',
  bytes: 1,
  key: `uploads/alice/${uploadId}/a.jpg`,
  createdAt: '2026-12-01T00:00:00.000Z',
});

/** A store that answers each query with a new object (so reuse shows as identity) and counts them. */
function counting(failFirst = false) {
  const queries: string[] = [];
  const store: UploadsDeps['uploads'] = {
    async create() {},
    async find(uploadId) {
      queries.push(uploadId);
      if (failFirst && queries.length === 1) throw new Error('throttled');
      return { upload: upload(uploadId), jobs: [] } satisfies UploadWithJobs;
    },
    async list() {
      return { uploads: [], next: null };
    },
    async markDeleted() {
      return true;
    },
  };
  return { store, queries };
}

describe('RecentUploads', () => {
  it('answers a lookup again while it is younger than its freshness, then queries afresh', async () => {
    let now = 0;
    const { store, queries } = counting();
    const recent = new RecentUploads(store, 1000, () => now);
    const first = await recent.find('u1');
    now = 999;
    expect(await recent.find('u1')).toBe(first);
    now = 1000;
    expect(await recent.find('u1')).not.toBe(first);
    expect(queries).toEqual(['u1', 'u1']);
  });

  it('shares one query among the lookups that arrive while it is in flight, and keeps uploads apart', async () => {
    const { store, queries } = counting();
    const recent = new RecentUploads(store, 1000, () => 0);
    const [a, b, c] = await Promise.all([recent.find('u1'), recent.find('u1'), recent.find('u2')]);
    expect(a).toBe(b);
    expect(c?.upload.uploadId).toBe('u2');
    expect(queries).toEqual(['u1', 'u2']);
  });

  it('never reuses a failed lookup', async () => {
    const { store, queries } = counting(true);
    const recent = new RecentUploads(store, 1000, () => 0);
    await expect(recent.find('u1')).rejects.toThrow('throttled');
    expect((await recent.find('u1'))?.upload.uploadId).toBe('u1');
    expect(queries).toEqual(['u1', 'u1']);
  });

  it('forgets an upload as soon as it is deleted or recorded through it', async () => {
    const { store, queries } = counting();
    const recent = new RecentUploads(store, 1000, () => 0);
    await recent.find('u1');
    await recent.markDeleted('u1', 'alice', new Date());
    await recent.find('u1');
    await recent.create(upload('u1'));
    await recent.find('u1');
    expect(queries).toEqual(['u1', 'u1', 'u1']);
  });
});
