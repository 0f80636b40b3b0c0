/**
 * Album reprocessing, asked for: one `reprocess` message per upload of an owner's album that has a
 * SUCCEEDED job (its latest), oldest upload first, all in the album's FIFO group, so the worker
 * reprocesses the album in upload order (handlers/steps/reprocess.ts). Uploads without one are
 * skipped and named. What `npm run reprocess` and the API's `POST /v1/albums/{album}/reprocess`
 * both run.
 */
import { randomUUID } from 'node:crypto';
import { reprocessDeduplicationId, reprocessGroupId, reprocessMessage } from '../workflow/worker-messages';
import type { FifoQueue, UploadCatalog, UploadSummary } from './ports';

export interface AlbumReprocessRequest {
  readonly owner: string;
  readonly album: string;
  /** The preset JSON, already checked; absent, the worker's configured preset. */
  readonly preset?: unknown;
}

export interface EnqueueReprocessDeps<Position> {
  readonly uploads: UploadCatalog<Position>;
  readonly queue: FifoQueue;
  /** @default a random UUID */
  readonly newBatchId?: () => string;
}

export interface SkippedUpload extends UploadSummary {
  readonly reason: string;
}

export interface QueuedBatch {
  readonly batchId: string;
  /** The messages sent: one per upload with a SUCCEEDED job. */
  readonly count: number;
  /** The album's uploads that were not queued, oldest first. */
  readonly skipped: readonly SkippedUpload[];
}

/** Uploads read per page of the listing (and looked up at once). */
const PAGE = 100;

export async function enqueueAlbumReprocess<Position>(request: AlbumReprocessRequest, deps: EnqueueReprocessDeps<Position>): Promise<QueuedBatch> {
  const { owner, album, preset } = request;
  const queued: { readonly uploadId: string; readonly jobId: string }[] = [];
  const skipped: SkippedUpload[] = [];
  for (const upload of await albumUploads(deps.uploads, owner, album)) {
    if (upload.jobId) queued.push({ uploadId: upload.uploadId, jobId: upload.jobId });
    else skipped.push({ uploadId: upload.uploadId, fileName: upload.fileName, reason: 'no SUCCEEDED job' });
  }
  const batchId = (deps.newBatchId ?? randomUUID)();
  const groupId = reprocessGroupId(owner, album);
  await deps.queue.sendInOrder(
    queued.map(({ uploadId, jobId }) => ({
      body: JSON.stringify(reprocessMessage(batchId, jobId, preset)),
      groupId,
      deduplicationId: reprocessDeduplicationId(batchId, uploadId),
    })),
  );
  return { batchId, count: queued.length, skipped };
}

/** Every upload of the album, oldest first (the listing is newest first), each with its latest SUCCEEDED job. */
async function albumUploads<Position>(catalog: UploadCatalog<Position>, owner: string, album: string) {
  const all: (UploadSummary & { readonly jobId: string | undefined })[] = [];
  let after: Position | undefined;
  do {
    const page = await catalog.list(owner, { limit: PAGE, album, ...(after === undefined ? {} : { after }) });
    const found = await Promise.all(page.uploads.map((upload) => catalog.find(upload.uploadId)));
    page.uploads.forEach((upload, index) => {
      const job = found[index]?.jobs.find((candidate) => candidate.status === 'SUCCEEDED');
      all.push({ uploadId: upload.uploadId, fileName: upload.fileName, jobId: job?.jobId });
    });
    after = page.next ?? undefined;
  } while (after !== undefined);
  return all.reverse();
}
