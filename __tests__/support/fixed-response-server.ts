/**
 * An HTTP server that answers every request with the same response: the shortest way to make a
 * real SDK client meet a service error (an S3 503 SlowDown, an SNS Throttling) that the
 * emulators never produce, so the adapters' error mapping is tested on the SDK's parsed errors.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixedResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface FixedResponseServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startFixedResponseServer(fixed: FixedResponse): Promise<FixedResponseServer> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(fixed.status, { 'content-type': fixed.contentType });
      response.end(fixed.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
