/**
 * Counts the billable AWS requests an SDK makes, by listening to Node's HTTP client diagnostics
 * channel and to the local in-process transport's, which carries the local system's own clients'
 * requests without a socket: S3 by price tier, DynamoDB write and read request units, SNS publishes, Step Functions
 * starts. Requests to endpoints it was not told about are ignored.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { IN_PROCESS_REQUEST_CHANNEL } from '../../local/in-process-transport';

export interface RequestCounts {
  /** S3 PUT, COPY, POST and LIST requests (one price tier). */
  s3Writes: number;
  /** S3 GET, HEAD and other requests (the cheaper tier). DELETE is free and not counted. */
  s3Reads: number;
  /** Bytes sent in S3 PUT bodies, by key prefix class. */
  s3PutBytes: Record<'uploads' | 'work' | 'outputs', number>;
  /** DynamoDB write request units: one per started KB of each write request's body (an upper bound on the item size). */
  dynamoWriteUnits: number;
  dynamoReadUnits: number;
  /** Largest DynamoDB write body, an upper bound on a job record's size. */
  dynamoLargestWriteBytes: number;
  snsPublishes: number;
  sfnStarts: number;
}

export interface Endpoints {
  /** `host:port` of each service, as the SDK reaches it; S3 is matched on `*.s3.localhost:<port>` too. */
  readonly s3Port: string;
  readonly dynamodb: string;
  readonly sns: string;
  readonly sfn: string;
  readonly workPrefix: string;
  readonly uploadsPrefix: string;
}

export const emptyCounts = (): RequestCounts => ({
  s3Writes: 0,
  s3Reads: 0,
  s3PutBytes: { uploads: 0, work: 0, outputs: 0 },
  dynamoWriteUnits: 0,
  dynamoReadUnits: 0,
  dynamoLargestWriteBytes: 0,
  snsPublishes: 0,
  sfnStarts: 0,
});

const DYNAMO_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

export function countRequest(counts: RequestCounts, endpoints: Endpoints, request: Pick<ClientRequest, 'method' | 'path' | 'getHeader'> & { host?: string }): void {
  const host = String(request.getHeader('host') ?? request.host ?? '');
  const bytes = Number(request.getHeader('content-length') ?? 0);
  const [path = '', query = ''] = request.path.split('?', 2);
  if (host.endsWith(`.s3.localhost:${endpoints.s3Port}`) || host === `s3.localhost:${endpoints.s3Port}`) {
    if (request.method === 'DELETE' || (request.method === 'POST' && /(^|&)delete(=|&|$)/.test(query))) return;
    if (request.method === 'GET' && /(^|&)list-type=/.test(query)) counts.s3Writes += 1;
    else if (request.method === 'PUT' || request.method === 'POST') {
      counts.s3Writes += 1;
      const key = decodeURIComponent(path.replace(/^\//, ''));
      if (request.method === 'PUT') counts.s3PutBytes[key.startsWith(endpoints.uploadsPrefix) ? 'uploads' : key.startsWith(endpoints.workPrefix) ? 'work' : 'outputs'] += bytes;
    } else counts.s3Reads += 1;
    return;
  }
  if (host === endpoints.dynamodb) {
    const operation = String(request.getHeader('x-amz-target') ?? '').split('.')[1] ?? '';
    const units = Math.max(1, Math.ceil(bytes / 1024));
    if (DYNAMO_WRITES.has(operation)) {
      counts.dynamoWriteUnits += units;
      counts.dynamoLargestWriteBytes = Math.max(counts.dynamoLargestWriteBytes, bytes);
    } else counts.dynamoReadUnits += 1;
    return;
  }
  if (host === endpoints.sns && request.method === 'POST') counts.snsPublishes += 1;
  else if (host === endpoints.sfn && /StartExecution/.test(String(request.getHeader('x-amz-target') ?? ''))) counts.sfnStarts += 1;
}

/** Counts requests while `run` runs; returns the counts. */
export async function countRequests(endpoints: Endpoints, run: () => Promise<void>): Promise<RequestCounts> {
  const counts = emptyCounts();
  const listener = (message: unknown) => countRequest(counts, endpoints, (message as { request: ClientRequest }).request);
  const channels = ['http.client.request.start', IN_PROCESS_REQUEST_CHANNEL];
  for (const name of channels) subscribe(name, listener);
  try {
    await run();
  } finally {
    for (const name of channels) unsubscribe(name, listener);
  }
  return counts;
}
