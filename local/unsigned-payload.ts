/**
 * The local runner's S3 requests are signed without a hash of their body ("UNSIGNED-PAYLOAD", which
 * SigV4 allows for S3 and only S3): the SDK otherwise computes a SHA-256 of every buffered body it
 * sends — each intermediate and output the steps write — only for an emulator on loopback that
 * never checks it. Streamed bodies are unsigned already. Added to the local clients alone; the
 * deployed functions build their clients without it and keep the SDK's signed payloads.
 */
import type { S3Client } from '@aws-sdk/client-s3';

const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

type BuildArgs = { readonly request: unknown };
type BuildHandler = (args: BuildArgs) => Promise<unknown>;

function withoutPayloadHash(next: BuildHandler): BuildHandler {
  return (args) => {
    const request = args.request as { headers?: Record<string, string> };
    // The signer uses a hash it finds in the headers instead of computing one.
    if (request.headers) request.headers[PAYLOAD_HASH_HEADER] = UNSIGNED_PAYLOAD;
    return next(args);
  };
}

/** Signs `client`'s requests from now on without hashing their bodies; other clients are left alone. */
export function signS3WithoutPayloadHash(client: { readonly middlewareStack: unknown }): void {
  if (!isS3Client(client)) return;
  client.middlewareStack.add(withoutPayloadHash as never, { step: 'build', name: 'localUnsignedPayload', override: true });
}

function isS3Client(client: { readonly middlewareStack: unknown }): client is S3Client {
  return (client as { config?: { serviceId?: string } }).config?.serviceId === 'S3';
}
