/**
 * A tiny HTTP server speaking the AWS JSON protocol (`x-amz-target` + JSON body), for services or
 * responses the emulators cannot produce (Step Functions; a DynamoDB 5xx). Tests point the real
 * SDK client at it, so request serialization, error parsing and the adapters' error mapping run
 * exactly as against AWS.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JsonRequest {
  /** The operation from `x-amz-target`, e.g. `AWSStepFunctions.StartExecution`. */
  readonly target: string;
  readonly body: Record<string, unknown>;
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface JsonProtocolServer {
  readonly endpoint: string;
  readonly requests: readonly JsonRequest[];
  close(): Promise<void>;
}

export async function startJsonProtocolServer(
  respond: (request: JsonRequest) => JsonResponse | Promise<JsonResponse>,
): Promise<JsonProtocolServer> {
  const requests: JsonRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const text = await readText(incoming);
      const request: JsonRequest = {
        target: String(incoming.headers['x-amz-target'] ?? ''),
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
      requests.push(request);
      const { status, body } = await respond(request);
      outgoing.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      outgoing.end(JSON.stringify(body));
    })().catch((error: unknown) => {
      outgoing.writeHead(599);
      outgoing.end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

async function readText(incoming: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
