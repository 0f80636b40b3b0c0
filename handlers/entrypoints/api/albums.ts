/**
 * The API's operation on albums: reprocess one of the caller's (handlers/steps/enqueue-reprocess.ts).
 * An album is only a name its uploads carry, so an album in which the caller has no upload answers
 * 404, as another owner's does (nothing tells them apart); an album whose uploads have no SUCCEEDED
 * job yet is accepted with a count of 0 — the request was right, there is nothing to redo.
 */
import { isCodedError } from '../../core/errors';
import { parsePreset } from '../../core/preset';
import type { ListPosition } from '../../adapters/upload-store';
import { enqueueAlbumReprocess } from '../../steps/enqueue-reprocess';
import type { FifoQueue, UploadCatalog } from '../../steps/ports';
import { ApiError } from './api-error';
import type { ReprocessAlbumRequest } from './schemas';

export interface AlbumsDeps {
  readonly uploads: UploadCatalog<ListPosition>;
  /** The worker's reprocess queue. */
  readonly reprocessQueue: FifoQueue;
}

export interface ReprocessBatch {
  readonly batchId: string;
  readonly count: number;
}

export async function reprocessAlbum(owner: string, album: string, request: ReprocessAlbumRequest, deps: AlbumsDeps): Promise<ReprocessBatch> {
  if (request.preset !== undefined) checkPreset(request.preset);
  const batch = await enqueueAlbumReprocess({ owner, album, ...(request.preset === undefined ? {} : { preset: request.preset }) }, { uploads: deps.uploads, queue: deps.reprocessQueue });
  if (batch.count === 0 && batch.skipped.length === 0) {
    throw new ApiError('NOT_FOUND', `Expected an album of yours named ${JSON.stringify(album)}, but none of your uploads is in it.`);
  }
  return { batchId: batch.batchId, count: batch.count };
}

/** The preset, checked with the worker's own parser, so a preset the worker would refuse is refused here. */
function checkPreset(preset: unknown): void {
  try {
    parsePreset(preset);
  } catch (error) {
    if (isCodedError(error) && error.code === 'INVALID_PRESET') throw new ApiError('INVALID_PRESET', `Expected body.preset to be a valid preset, but it is not: ${error.message}`);
    throw error;
  }
}
