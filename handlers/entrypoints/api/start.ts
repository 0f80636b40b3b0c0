/**
 * Starts the API over the process-wide SDK clients (or the ones given) with the settings its manifest entry declares:
 * what the fleet's entrypoint (api.ts) and the local runner (`npm run serve`) both call.
 */
import type { FastifyInstance } from 'fastify';
import { createAwsClients, type AwsClients } from '../../adapters/clients';
import { S3ObjectStore } from '../../adapters/object-store';
import { S3Presigner } from '../../adapters/presigner';
import { DynamoTokenStore } from '../../adapters/token-store';
import { DynamoUploadStore } from '../../adapters/upload-store';
import { SqsWorkQueue } from '../../adapters/work-queue';
import { DEFAULT_LIMITS } from '../../core/limits';
import type { RuntimeValues } from '../../runtime/env';
import type { GalleryAssets } from './gallery-assets';
import { ReusedDownloadUrls } from './download-urls';
import { RecentUploads } from './recent-uploads';
import { buildApi } from './server';

export type ApiSettings = RuntimeValues<'api'>;

export interface RunningApi {
  readonly app: FastifyInstance;
  /** `http://<host>:<port>` as listened on. */
  readonly url: string;
  /** Stops accepting connections and waits for requests in flight, for at most the grace period. */
  close(): Promise<void>;
}

/** The clients the API calls AWS with. */
export type ApiClients = Pick<AwsClients, 's3' | 'dynamodb' | 'sqs'>;

/** @param clients what the API calls AWS with: the process-wide clients unless given */
export async function startApi(settings: ApiSettings, gallery: GalleryAssets, clients: ApiClients = createAwsClients()): Promise<RunningApi> {
  const presigner = new S3Presigner(clients.s3);
  const maxInputBytes = settings.maxInputBytes ?? DEFAULT_LIMITS.maxBytes;
  // The page may talk to exactly the origins its presigned requests point at (for its CSP).
  const probe = await presigner.upload({ bucket: settings.rawBucket, key: `${settings.uploadsPrefix}probe`, contentType: 'image/jpeg', maxBytes: 1, expiresSeconds: 1 });
  const image = await presigner.download(settings.processedBucket, 'probe', 1);
  const uploads = new DynamoUploadStore(clients.dynamodb, settings.jobsTable, { ttlDays: settings.jobTtlDays ?? 30 });
  const app = await buildApi({
    uploads: {
      uploads: new RecentUploads(uploads),
      presigner: new ReusedDownloadUrls(presigner),
      objects: new S3ObjectStore(clients.s3),
      settings: { ...settings, maxInputBytes },
      now: () => new Date(),
    },
    albums: { uploads, reprocessQueue: new SqsWorkQueue(clients.sqs, settings.reprocessQueueUrl) },
    tokens: new DynamoTokenStore(clients.dynamodb, settings.jobsTable),
    gallery,
    rateLimitPerMinute: settings.apiRateLimitPerMinute,
    tokenCacheSeconds: settings.tokenCacheSeconds,
    uploadOrigin: new URL(probe.url).origin,
    imageOrigin: new URL(image).origin,
  });
  const url = await app.listen({ host: settings.apiHost, port: settings.apiPort });
  return {
    app,
    url,
    async close() {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, settings.shutdownGraceSeconds * 1000);
      });
      await Promise.race([app.close(), deadline]);
      clearTimeout(timer);
    },
  };
}
