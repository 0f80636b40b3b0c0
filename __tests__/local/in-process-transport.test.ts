import type { IncomingMessage, ServerResponse } from 'node:http';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { IN_PROCESS_REQUEST_CHANNEL, InProcessTransport } from '../../local/in-process-transport';

async function bodyOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Answers with what it received: method, URL and headers as JSON headers, the body as the body. */
async function echo(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await bodyOf(request);
  response.writeHead(201, {
    'x-method': request.method,
    'x-url': request.url,
    'x-headers': JSON.stringify(request.headers),
    'set-cookie': ['a=1', 'b=2'],
    'content-length': String(body.length),
  });
  response.end(body);
}

const request = (overrides: object = {}) => ({ method: 'PUT', protocol: 'http:', hostname: 'bucket.s3.localhost', port: 4566, path: '/key', headers: { host: 'bucket.s3.localhost:4566' }, ...overrides });

describe('InProcessTransport', () => {
  const transport = new InProcessTransport();
  transport.serve(4566, (req, res) => void echo(req, res));
  const handler = transport.requestHandler();

  it('hands the emulator the request as the SDK built it, and the SDK the response as the emulator wrote it', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, index) => index % 256));
    const { response } = await handler.handle(request({ body: bytes, headers: { host: 'bucket.s3.localhost:4566', 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) } }));
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-method']).toBe('PUT');
    expect(response.headers['x-url']).toBe('/key');
    expect(JSON.parse(response.headers['x-headers']!)).toMatchObject({ host: 'bucket.s3.localhost:4566', 'content-type': 'application/octet-stream' });
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect((await bodyOf(response.body)).equals(bytes)).toBe(true);
  });

  it('sends a Uint8Array body as its bytes, not as JSON of its indices', async () => {
    const { response } = await handler.handle(request({ body: new TextEncoder().encode('{"TableName":"jobs"}') }));
    expect((await bodyOf(response.body)).toString()).toBe('{"TableName":"jobs"}');
  });

  it('writes the query as on the wire: keys in the SDK\'s sorted order, RFC 3986 escapes, repeated keys, a key without a value bare', async () => {
    const { response } = await handler.handle(request({ method: 'GET', path: '/', query: { 'list-type': '2', prefix: "a b/(c)!'*", uploads: null, tag: ['x', 'y'] } }));
    expect(response.headers['x-url']).toBe("/?list-type=2&prefix=a%20b%2F%28c%29%21%27%2A&tag=x&tag=y&uploads");
  });

  it('drops Expect: 100-continue, which no socket would answer', async () => {
    const { response } = await handler.handle(request({ headers: { host: 'bucket.s3.localhost:4566', expect: '100-continue' }, body: 'x' }));
    expect(JSON.parse(response.headers['x-headers']!)).not.toHaveProperty('expect');
  });

  it('publishes each request it carries, as Node does for a socket request, so request counts include it', async () => {
    const seen: { method: string; path: string; host: string; target: unknown }[] = [];
    const listener = (message: unknown) => {
      const { request } = message as { request: { method: string; path: string; host: string; getHeader(name: string): unknown } };
      seen.push({ method: request.method, path: request.path, host: request.host, target: request.getHeader('X-Amz-Target') });
    };
    subscribe(IN_PROCESS_REQUEST_CHANNEL, listener);
    try {
      await handler.handle(request({ method: 'POST', path: '/', query: { a: 'b' }, headers: { host: '127.0.0.1:4566', 'X-Amz-Target': 'DynamoDB_20120810.PutItem' }, body: '{}' }));
    } finally {
      unsubscribe(IN_PROCESS_REQUEST_CHANNEL, listener);
    }
    expect(seen).toEqual([{ method: 'POST', path: '/?a=b', host: '127.0.0.1:4566', target: 'DynamoDB_20120810.PutItem' }]);
  });

  it('refuses a port no emulator of the process serves, naming it', async () => {
    await expect(handler.handle(request({ port: 9 }))).rejects.toThrow('Expected a request to an emulator of this process, but bucket.s3.localhost:9 is not one of their ports.');
  });

  it('serves loopback hosts only: an emulator\'s port on another host is not the emulator', async () => {
    for (const hostname of ['127.0.0.1', 'localhost', 's3.localhost']) expect((await handler.handle(request({ hostname, body: 'x' }))).response.statusCode).toBe(201);
    await expect(handler.handle(request({ hostname: 's3.amazonaws.com' }))).rejects.toThrow('but s3.amazonaws.com:4566 is not one of their ports.');
  });

  it('gives up a request its caller aborts, as a socket would be closed', async () => {
    const hanging = new InProcessTransport();
    hanging.serve(4566, () => undefined);
    const controller = new AbortController();
    const pending = hanging.requestHandler().handle(request(), { abortSignal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
