/**
 * The listing's cursor: opaque to clients (base64url JSON of the last upload's time and id). The
 * owner is never in it — the next page is read from the caller's own partition — so a cursor
 * passed between owners or edited can only page through the caller's own uploads, or be refused.
 */
import { UPLOAD_ID_PATTERN } from '../../core/upload-key';
import type { ListPosition } from '../../adapters/upload-store';
import { ApiError } from './api-error';

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.listedAt, position.uploadId])).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [listedAt, uploadId] = parsed as unknown[];
    if (typeof listedAt === 'string' && !Number.isNaN(Date.parse(listedAt)) && typeof uploadId === 'string' && UPLOAD_ID_PATTERN.test(uploadId)) {
      return { listedAt, uploadId };
    }
  }
  throw new ApiError('INVALID_INPUT', `Expected query.cursor to be the "next" value of a previous page, but received ${JSON.stringify(cursor.slice(0, 40))}.`);
}
