/**
 * The local system's own SDK clients reach the emulators without a socket: each request the SDK
 * has built, signed and held to IAM is handed to the emulator's HTTP request listener as an
 * injected request (light-my-request, which Fastify's `inject` is built on), and the emulator's
 * answer comes back as the SDK's HTTP response, its body streamed. The emulators parse, route and
 * answer exactly as for a request on their port; what is skipped is the loopback connection and
 * both sides' HTTP framing, which cost every body a trip through the kernel. They still listen on
 * their ports for everything else (a browser, the AWS CLI, `npm run worker`). Deployed code never
 * loads this: only the local runner's clients get this handler.
 */
import { channel } from 'node:diagnostics_channel';
import type { IncomingMessage, RequestListener } from 'node:http';
import type { Readable } from 'node:stream';
import { buildQueryString } from '@smithy/core/protocols';
import inject, { type InjectOptions, type Response as InjectedResponse } from 'light-my-request';

/**
 * Each request the transport carries is published here, as Node publishes a socket request on
 * `http.client.request.start`: `{ request }` with the method, the path with its query, the host
 * and `getHeader`, so whatever counts requests (the cost model's measurement) sees these too.
 */
export const IN_PROCESS_REQUEST_CHANNEL = 'image-processor.in-process-transport.request';
const requests = channel(IN_PROCESS_REQUEST_CHANNEL);

/** What the SDK hands its request handler (`@smithy/protocol-http`'s HttpRequest), as read here. */
interface SdkRequest {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly query?: Record<string, string | string[] | null>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

export interface SdkResponse {
  readonly statusCode: number;
  readonly reason?: string;
  readonly headers: Record<string, string>;
  readonly body: Readable;
}

/** The SDK's request handler interface (`@smithy/types`' HttpHandler), as the clients call it. */
export interface InProcessRequestHandler {
  readonly metadata: { readonly handlerProtocol: string };
  handle(request: SdkRequest, options?: { readonly abortSignal?: AbortSignal }): Promise<{ response: SdkResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

/** The loopback ports of the emulators in this process, each served by its request listener. */
export class InProcessTransport {
  private readonly listeners = new Map<number, RequestListener>();

  /** Requests for `port` go to `listener` from now on. */
  serve(port: number, listener: RequestListener): void {
    this.listeners.set(port, listener);
  }

  /** A request handler for SDK clients whose endpoints are these ports. */
  requestHandler(): InProcessRequestHandler {
    const listeners = this.listeners;
    return {
      metadata: { handlerProtocol: 'http/1.1' },
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
      destroy() {},
      async handle(request, options = {}) {
        const port = request.port ?? (request.protocol === 'https:' ? 443 : 80);
        const listener = isLoopback(request.hostname) ? listeners.get(port) : undefined;
        if (!listener) throw new Error(`Expected a request to an emulator of this process, but ${request.hostname}:${port} is not one of their ports.`);
        // Nothing waits for a 100 Continue that no socket would send.
        const { expect: _continue, ...headers } = request.headers;
        // The SDK's own query builder, as its HTTP handler writes the query on the socket.
        const query = request.query ? buildQueryString(request.query) : '';
        const url = query ? `${request.path}?${query}` : request.path;
        if (requests.hasSubscribers) {
          const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
          requests.publish({ request: { method: request.method, path: url, host: lowerCased.host, getHeader: (name: string) => lowerCased[name.toLowerCase()] } });
        }
        const injection = {
          method: request.method,
          url,
          headers,
          ...(request.body === undefined ? {} : { payload: payloadOf(request.body) }),
          // The body as the emulator writes it, never decoded to a string.
          payloadAsStream: true,
          validate: false,
        };
        const response = await injectAbortably(listener, injection, options.abortSignal);
        return { response: { statusCode: response.statusCode, reason: response.statusMessage, headers: flatHeaders(response.headers), body: response.stream() } };
      },
    };
  }
}

/** The emulators listen on loopback only: a request to any other host is never theirs, whatever its port. */
const isLoopback = (hostname: string) => hostname === 'localhost' || hostname.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]' || hostname === '::1';

/**
 * Sends `client`'s requests through `transport` from now on. The client reads its request handler
 * from its configuration at each `send`, so this takes effect for a client already built.
 */
export function sendInProcess(client: { readonly config: object }, transport: InProcessTransport): void {
  (client.config as { requestHandler: unknown }).requestHandler = transport.requestHandler();
}

/**
 * An aborted request ends as a closed socket would: the emulator's request is destroyed (a long
 * poll stops waiting) and the caller gets an AbortError, as from the SDK's own HTTP handler.
 */
function injectAbortably(listener: RequestListener, injection: InjectOptions, signal: AbortSignal | undefined): Promise<InjectedResponse> {
  if (signal?.aborted) return Promise.reject(abortError());
  return new Promise((resolve, reject) => {
    let injected: IncomingMessage | undefined;
    const onAbort = () => {
      injected?.destroy();
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const dispatch: RequestListener = (request, response) => {
      injected = request;
      listener(request, response);
    };
    inject(dispatch, injection)
      .then(resolve, reject)
      .finally(() => signal?.removeEventListener('abort', onAbort));
  });
}

const abortError = () => Object.assign(new Error('The request was aborted before the emulator answered it.'), { name: 'AbortError' });

/** light-my-request sends any object as JSON; a Uint8Array that is not a Buffer goes as its bytes. */
function payloadOf(body: unknown): Buffer | string | Readable {
  if (body instanceof Uint8Array && !Buffer.isBuffer(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return body as Buffer | string | Readable;
}

function flatHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
}
