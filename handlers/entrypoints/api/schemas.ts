/**
 * What the API accepts, as valibot schemas speaking the core's sentences
 * ("Expected body.bytes to be a whole number of at least 1, but received 0."). The media type and
 * the size are checked after the shape, by the route, because they answer 415 and 413; so is a
 * reprocessing preset, by the preset parser.
 */
import * as v from 'valibot';
import { eventError, isRecord, jsonObject } from '../../core/schema-issues';
import { ALBUM_PATTERN, ALBUM_RULE, UPLOAD_ID_PATTERN } from '../../core/upload-key';
import type { CodedError } from '../../core/errors';

const album = v.pipe(v.string(ALBUM_RULE), v.regex(ALBUM_PATTERN, ALBUM_RULE));

export const CREATE_UPLOAD_SCHEMA = jsonObject(
  {
    fileName: v.pipe(v.string('a file name of 1 to 255 characters'), v.minLength(1, 'a file name of 1 to 255 characters'), v.maxLength(255, 'a file name of 1 to 255 characters')),
    contentType: v.string('a media type such as image/jpeg'),
    bytes: v.pipe(v.number('a whole number of at least 1'), v.integer('a whole number of at least 1'), v.minValue(1, 'a whole number of at least 1')),
    album: v.optional(album),
  },
  'a JSON object with fileName, contentType, bytes and optionally album',
);

export type CreateUploadRequest = v.InferOutput<typeof CREATE_UPLOAD_SCHEMA>;

const LIMIT_RULE = 'a whole number from 1 to 100';

export const LIST_QUERY_SCHEMA = jsonObject(
  {
    limit: v.optional(v.pipe(v.string(LIMIT_RULE), v.regex(/^\d{1,3}$/, LIMIT_RULE), v.transform(Number), v.minValue(1, LIMIT_RULE), v.maxValue(100, LIMIT_RULE)), '20'),
    cursor: v.optional(v.pipe(v.string('a cursor from a previous page'), v.maxLength(512, 'a cursor from a previous page'))),
    album: v.optional(album),
  },
  'query parameters',
);

export type ListQuery = v.InferOutput<typeof LIST_QUERY_SCHEMA>;

/** An album named in a path (`/v1/albums/{album}/…`), as an upload may carry it. */
export const ALBUM_SCHEMA = album;

/** The preset's shape is checked after the body's, by the preset parser, because it answers with its own code. */
export const REPROCESS_ALBUM_SCHEMA = jsonObject({ preset: v.optional(v.custom<Record<string, unknown>>(isRecord, 'a preset object')) }, 'a JSON object with optionally preset');

export type ReprocessAlbumRequest = v.InferOutput<typeof REPROCESS_ALBUM_SCHEMA>;

export const UPLOAD_ID_SCHEMA = v.pipe(v.string('an upload id'), v.regex(UPLOAD_ID_PATTERN, 'an upload id of 22 base64url characters'));

/** The value, or the first problem as an INVALID_INPUT error naming where it is (`body`, `query`). */
export function parseRequest<S extends v.GenericSchema>(schema: S, value: unknown, root: string): { ok: true; value: v.InferOutput<S> } | { ok: false; error: CodedError } {
  const result = v.safeParse(schema, value);
  return result.success ? { ok: true, value: result.output } : { ok: false, error: eventError(result.issues, root) };
}
