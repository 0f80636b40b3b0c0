/**
 * fauxqs has no bucket CORS, and a browser's presigned POST from the gallery's page to another
 * origin needs it (the page's upload progress makes the browser ask first, with a preflight). This
 * is the S3 endpoint `npm run serve` hands out: it answers preflights and adds CORS headers by the
 * raw bucket's rule (stacks/config/storage.ts), for the allowed origins only, exactly as S3 would
 * for the deployed bucket, and passes every request through to fauxqs unchanged.
 */
import { createServer, request as httpRequest, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { BROWSER_UPLOAD_CORS } from '../stacks/config/storage';

export interface S3CorsFront {
  /** The port it listens on (loopback). */
  readonly port: number;
  /** What answers each request on that port, for the in-process transport. */
  readonly listener: RequestListener;
  stop(): Promise<void>;
}

export async function startS3CorsFront(upstreamPort: number, allowedOrigins: readonly string[]): Promise<S3CorsFront> {
  const listener: RequestListener = (incoming, outgoing) => forward(incoming, outgoing, upstreamPort, allowedOrigins);
  const server: Server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    listener,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function corsHeaders(origin: string | undefined, allowedOrigins: readonly string[]): Record<string, string> | undefined {
  if (!origin || !(allowedOrigins.includes(origin) || allowedOrigins.includes('*'))) return undefined;
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': BROWSER_UPLOAD_CORS.exposeHeaders.join(', '), vary: 'Origin' };
}

function forward(incoming: IncomingMessage, outgoing: ServerResponse, upstreamPort: number, allowedOrigins: readonly string[]): void {
  const cors = corsHeaders(incoming.headers.origin, allowedOrigins);
  const requestedMethod = incoming.headers['access-control-request-method'];
  if (incoming.method === 'OPTIONS' && requestedMethod !== undefined) {
    // A preflight: S3 answers it from the bucket's CORS rule, never from the object.
    if (!cors || !(BROWSER_UPLOAD_CORS.allowedMethods as readonly string[]).includes(requestedMethod)) {
      outgoing.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed.</Message></Error>');
      return;
    }
    outgoing
      .writeHead(200, {
        ...cors,
        'access-control-allow-methods': BROWSER_UPLOAD_CORS.allowedMethods.join(', '),
        'access-control-allow-headers': incoming.headers['access-control-request-headers'] ?? '',
        'access-control-max-age': String(BROWSER_UPLOAD_CORS.maxAgeSeconds),
      })
      .end();
    return;
  }
  const upstream = httpRequest({ host: '127.0.0.1', port: upstreamPort, method: incoming.method, path: incoming.url, headers: incoming.headers }, (response) => {
    outgoing.writeHead(response.statusCode ?? 502, { ...response.headers, ...(cors ?? {}) });
    response.pipe(outgoing);
  });
  upstream.on('error', (error) => {
    if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
    outgoing.end(`The local S3 emulator did not answer: ${error.message}`);
  });
  incoming.pipe(upstream);
}
