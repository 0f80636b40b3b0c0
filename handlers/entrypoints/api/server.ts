/**
 * The HTTP API on Fastify: chosen over Hono for what it brings built in and well kept — request
 * body limits, graceful `close()` that drains in-flight requests, and a maintained plugin for
 * per-key rate limits (@fastify/rate-limit) — and because it is already the server the local S3
 * emulator runs on. Security headers come from helmet itself, its middleware built once
 * (@fastify/helmet builds it again on every request). Routes: the contract v1 (docs/api.md).
 */
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { isCodedError } from '../../core/errors';
import { reprocessAlbum, type AlbumsDeps } from './albums';
import { ApiError } from './api-error';
import { TokenAuthenticator, type TokenLookup } from './auth';
import type { GalleryAssets } from './gallery-assets';
import { ALBUM_SCHEMA, CREATE_UPLOAD_SCHEMA, LIST_QUERY_SCHEMA, parseRequest, REPROCESS_ALBUM_SCHEMA, UPLOAD_ID_SCHEMA } from './schemas';
import { createUpload, deleteUpload, getUpload, listUploads, type UploadsDeps } from './uploads';
import { invocationTelemetry } from '../../runtime/telemetry';

export interface ApiOptions {
  readonly uploads: UploadsDeps;
  readonly albums: AlbumsDeps;
  readonly tokens: TokenLookup;
  readonly gallery: GalleryAssets;
  readonly rateLimitPerMinute: number;
  readonly tokenCacheSeconds: number;
  /** Origins the gallery page may send uploads to and load images from (the buckets' S3 endpoints). */
  readonly uploadOrigin: string;
  readonly imageOrigin: string;
}

/** Request bodies are small JSON documents; images go straight to S3. */
const BODY_LIMIT_BYTES = 16 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    owner: string;
  }
}

export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES, forceCloseConnections: 'idle', return503OnClosing: true });
  app.decorateRequest('owner', '');
  // Requests are JSON only; anything else is refused with 415 before a route sees it.
  app.removeContentTypeParser('text/plain');
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", options.imageOrigin],
        connectSrc: ["'self'", options.uploadOrigin],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));
  app.setErrorHandler((error, request, reply) => sendError(toApiError(error, request), reply));
  app.setNotFoundHandler((request, reply) => sendError(new ApiError('NOT_FOUND', `Expected one of the API's routes, but ${request.method} ${request.url.split('?')[0]} is none.`), reply));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(options.gallery.html));
  app.get('/gallery.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(options.gallery.js));
  // Browsers ask for it unprompted; there is none.
  app.get('/favicon.ico', async (_request, reply) => reply.status(204).send());
  app.get('/gallery.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(options.gallery.css));

  await app.register(async (v1) => {
    await v1.register(rateLimit, {
      max: options.rateLimitPerMinute,
      timeWindow: 60_000,
      // Per token (its hash: the key is kept in memory), so one client's burst never slows another's.
      keyGenerator: (request) => createHash('sha256').update(request.headers.authorization ?? request.ip).digest('hex'),
      errorResponseBuilder: (_request, context) =>
        new ApiError('RATE_LIMITED', `Expected at most ${context.max} requests a minute for this token, but it sent more; try again in ${Math.ceil(context.ttl / 1000)} s.`),
    });
    const auth = new TokenAuthenticator(options.tokens, options.tokenCacheSeconds);
    v1.addHook('preHandler', async (request) => {
      request.owner = await auth.owner(request.headers.authorization);
    });
    const deps = options.uploads;
    v1.post('/v1/uploads', async (request, reply) => {
      const body = parsed(CREATE_UPLOAD_SCHEMA, request.body, 'body');
      return reply.status(201).send(await createUpload(request.owner, body, deps));
    });
    v1.get('/v1/uploads', async (request) => listUploads(request.owner, parsed(LIST_QUERY_SCHEMA, { ...(request.query as object) }, 'query'), deps));
    v1.get<{ Params: { uploadId: string } }>('/v1/uploads/:uploadId', async (request) => getUpload(request.owner, uploadIdOf(request), deps));
    v1.delete<{ Params: { uploadId: string } }>('/v1/uploads/:uploadId', async (request, reply) => {
      await deleteUpload(request.owner, uploadIdOf(request), deps);
      return reply.status(204).send();
    });
    v1.post<{ Params: { album: string } }>('/v1/albums/:album/reprocess', async (request, reply) => {
      const album = parsed(ALBUM_SCHEMA, request.params.album, 'path.album');
      // The body is optional: no body is `{}`, the configured preset.
      const body = parsed(REPROCESS_ALBUM_SCHEMA, request.body ?? {}, 'body');
      return reply.status(202).send(await reprocessAlbum(request.owner, album, body, options.albums));
    });
  });
  return app;
}

function parsed<S extends Parameters<typeof parseRequest>[0]>(schema: S, value: unknown, root: string) {
  const result = parseRequest(schema, value, root);
  if (!result.ok) throw new ApiError('INVALID_INPUT', result.error.message);
  return result.value;
}

function uploadIdOf(request: FastifyRequest<{ Params: { uploadId: string } }>): string {
  return parsed(UPLOAD_ID_SCHEMA, request.params.uploadId, 'path.uploadId');
}

/** Fastify's own refusals, and anything unexpected, as the API's error shape. */
function toApiError(error: unknown, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  const { code, statusCode } = (error ?? {}) as { code?: string; statusCode?: number };
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError('TOO_LARGE', `Expected a request body of at most ${BODY_LIMIT_BYTES} bytes, but it is larger.`);
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new ApiError('UNSUPPORTED_FORMAT', `Expected a request body of type application/json, but received ${JSON.stringify(request.headers['content-type'] ?? 'none')}.`);
  }
  if (statusCode === 400) return new ApiError('INVALID_INPUT', `Expected a valid JSON request, but ${(error as Error).message.replace(/\.$/, '')}.`);
  if (isCodedError(error) && error.code === 'INVALID_INPUT') return new ApiError('INVALID_INPUT', error.message);
  invocationTelemetry('api', undefined, { requestId: request.id }).logger.error('Request failed', {
    method: request.method,
    url: request.url.split('?')[0],
    error: error instanceof Error ? error : String(error),
  });
  return new ApiError('INTERNAL', 'The API failed to answer this request; it has been logged. Try again later.');
}

function sendError(error: ApiError, reply: FastifyReply): FastifyReply {
  return reply.status(error.status).send(error.toBody());
}
