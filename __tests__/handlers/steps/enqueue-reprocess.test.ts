/**
 * enqueueAlbumReprocess over in-memory ports: pages of the newest-first listing become one
 * oldest-first batch, each upload's latest SUCCEEDED job is the one named, uploads without one
 * are skipped, and a queue failure is the caller's.
 */
import { enqueueAlbumReprocess } from '../../../handlers/steps/enqueue-reprocess';
import type { FifoQueue, UploadCatalog } from '../../../handlers/steps/ports';
import { parseWorkerMessage, reprocessDeduplicationId, type FifoMessage } from '../../../handlers/workflow/worker-messages';
import type { JobRecord } from '../../../handlers/workflow/job-record';

type Jobs = readonly Pick<JobRecord, 'jobId' | 'status'>[];

/** An owner's album, oldest first, listed newest first in pages of `pageSize` (the position is an index). */
function catalog(uploads: readonly { uploadId: string; jobs: Jobs }[], pageSize: number): UploadCatalog<number> & { readonly pagesRead: number[] } {
  const newestFirst = [...uploads].reverse();
  const pagesRead: number[] = [];
  return {
    pagesRead,
    async list(_owner, options) {
      const start = options.after ?? 0;
      pagesRead.push(start);
      const end = Math.min(start + Math.min(pageSize, options.limit), newestFirst.length);
      return { uploads: newestFirst.slice(start, end).map(({ uploadId }) => ({ uploadId, fileName: `${uploadId}.jpg` })), next: end < newestFirst.length ? end : null };
    },
    async find(uploadId) {
      const upload = uploads.find((candidate) => candidate.uploadId === uploadId);
      return upload && { jobs: upload.jobs };
    },
  };
}

class RecordingQueue implements FifoQueue {
  readonly sent: FifoMessage[] = [];
  async sendInOrder(messages: readonly FifoMessage[]): Promise<void> {
    this.sent.push(...messages);
  }
}

const succeeded = (jobId: string) => ({ jobId, status: 'SUCCEEDED' as const });

it('queues the latest SUCCEEDED job of each upload, oldest upload first, across pages, in the album’s group', async () => {
  const uploads = catalog(
    [
      { uploadId: 'u1', jobs: [succeeded('j1')] },
      { uploadId: 'u2', jobs: [{ jobId: 'j2-new', status: 'FAILED' }, succeeded('j2-old')] },
      { uploadId: 'u3', jobs: [] },
      { uploadId: 'u4', jobs: [{ jobId: 'j4', status: 'OPTIMIZING' }] },
      { uploadId: 'u5', jobs: [succeeded('j5-new'), succeeded('j5-old')] },
    ],
    2,
  );
  const queue = new RecordingQueue();
  const batch = await enqueueAlbumReprocess({ owner: 'alice', album: 'Summer 2026' }, { uploads, queue, newBatchId: () => 'batch-1' });

  expect(uploads.pagesRead).toEqual([0, 2, 4]);
  expect(batch).toEqual({
    batchId: 'batch-1',
    count: 3,
    skipped: [
      { uploadId: 'u3', fileName: 'u3.jpg', reason: 'no SUCCEEDED job' },
      { uploadId: 'u4', fileName: 'u4.jpg', reason: 'no SUCCEEDED job' },
    ],
  });
  expect(queue.sent.map((message) => parseWorkerMessage(message.body))).toEqual(
    ['j1', 'j2-old', 'j5-new'].map((jobId) => ({ version: 1, type: 'reprocess', batchId: 'batch-1', jobId })),
  );
  expect(queue.sent.map((message) => message.groupId)).toEqual(['alice/Summer+2026', 'alice/Summer+2026', 'alice/Summer+2026']);
  expect(queue.sent.map((message) => message.deduplicationId)).toEqual(['u1', 'u2', 'u5'].map((uploadId) => reprocessDeduplicationId('batch-1', uploadId)));
});

it('carries the preset in every message, and gives each request a batch of its own', async () => {
  const uploads = catalog([{ uploadId: 'u1', jobs: [succeeded('j1')] }], 100);
  const queue = new RecordingQueue();
  const preset = { name: 'small', renditions: [{ name: 'small', width: 100 }], formats: [{ format: 'webp', quality: 70 }] };
  const first = await enqueueAlbumReprocess({ owner: 'alice', album: 'A', preset }, { uploads, queue });
  const second = await enqueueAlbumReprocess({ owner: 'alice', album: 'A', preset }, { uploads, queue });
  expect(first.batchId).not.toBe(second.batchId);
  expect(queue.sent.map((message) => parseWorkerMessage(message.body))).toEqual([first, second].map(({ batchId }) => ({ version: 1, type: 'reprocess', batchId, jobId: 'j1', preset })));
  // The same upload in two batches is two messages.
  expect(new Set(queue.sent.map((message) => message.deduplicationId)).size).toBe(2);
});

it('sends nothing for an album without uploads, and lets a queue failure through', async () => {
  const queue = new RecordingQueue();
  expect(await enqueueAlbumReprocess({ owner: 'alice', album: 'Empty' }, { uploads: catalog([], 100), queue, newBatchId: () => 'b' })).toEqual({ batchId: 'b', count: 0, skipped: [] });
  expect(queue.sent).toEqual([]);
  const refusing: FifoQueue = { sendInOrder: async () => Promise.reject(new Error('refused')) };
  await expect(enqueueAlbumReprocess({ owner: 'alice', album: 'A' }, { uploads: catalog([{ uploadId: 'u1', jobs: [succeeded('j1')] }], 100), queue: refusing })).rejects.toThrow('refused');
});
