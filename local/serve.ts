/**
 * `npm run serve`'s system: the local pipeline (emulators, workflow, reconciler) with S3 upload
 * notifications on, the S3 CORS front that the browser, the SDK and the AWS CLI all use, and the
 * API with its gallery page, holding a development token; the worker takes the API's album
 * reprocessing from the local reprocess queue. Runs until `stop()`.
 */
import { resetAwsClients } from '../handlers/adapters/clients';
import { DynamoTokenStore, newToken } from '../handlers/adapters/token-store';
import { buildGallery } from '../handlers/entrypoints/api/gallery/build';
import { startApi, type RunningApi } from '../handlers/entrypoints/api/start';
import { readRuntimeEnv } from '../handlers/runtime/env';
import { RUNTIME_SETTINGS } from '../handlers/runtime/variables';
import { startS3CorsFront, type S3CorsFront } from './s3-cors';
import { runAsFunction } from './invocation';
import { apiInstanceProfile } from './resources';
import { LocalSystem } from './system';

export const TOKEN_VARIABLE = 'IMAGE_PROCESSOR_LOCAL_API_TOKEN';
/** The owner of the development token. */
export const LOCAL_OWNER = 'local';

export interface ServeOptions {
  readonly host?: string;
  readonly port?: number;
  /** The development token; a new one when not given. */
  readonly token?: string;
  /** More API settings by variable, e.g. `{ API_RATE_LIMIT_PER_MINUTE: '1000000' }` for a load test. */
  readonly apiEnvironment?: Readonly<Record<string, string>>;
  /** The decoded bytes of the images processed at once. @default half the machine's memory */
  readonly memoryBudgetBytes?: number;
}

export interface Serving {
  /** The gallery and the API. */
  readonly url: string;
  readonly token: string;
  /** The S3 endpoint every client uses (path-style: `http://127.0.0.1:<port>`). */
  readonly s3Endpoint: string;
  readonly rawBucket: string;
  readonly processedBucket: string;
  readonly uploadsPrefix: string;
  readonly system: LocalSystem;
  stop(): Promise<void>;
}

export async function startServe(options: ServeOptions = {}): Promise<Serving> {
  const system = await LocalSystem.start({ notifyUploads: true, ...(options.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: options.memoryBudgetBytes }) });
  let front: S3CorsFront | undefined;
  let api: RunningApi | undefined;
  try {
    const allowedOrigins: string[] = [];
    front = await startS3CorsFront(Number(new URL(system.environment.AWS_ENDPOINT_URL_S3!).port), allowedOrigins);
    // Every S3 client of this process goes through the front from here on, as the gallery does.
    system.transport.serve(front.port, front.listener);
    process.env.AWS_ENDPOINT_URL_S3 = `http://s3.localhost:${front.port}`;
    resetAwsClients();
    const token = options.token ?? newToken();
    await new DynamoTokenStore(system.clients.dynamodb, system.resources.jobsTable.name).create(token, LOCAL_OWNER, new Date());
    const { runtimeInputs } = system.resources;
    const settings = readRuntimeEnv('api', {
      [RUNTIME_SETTINGS.serviceName.name]: runtimeInputs.serviceName,
      [RUNTIME_SETTINGS.rawBucket.name]: system.resources.rawBucket,
      [RUNTIME_SETTINGS.processedBucket.name]: runtimeInputs.processedBucket,
      [RUNTIME_SETTINGS.uploadsPrefix.name]: runtimeInputs.uploadsPrefix,
      [RUNTIME_SETTINGS.jobsTable.name]: runtimeInputs.jobsTable,
      [RUNTIME_SETTINGS.jobTtlDays.name]: String(runtimeInputs.jobTtlDays),
      [RUNTIME_SETTINGS.maxInputBytes.name]: String(runtimeInputs.maxInputBytes),
      [RUNTIME_SETTINGS.apiHost.name]: options.host ?? '127.0.0.1',
      [RUNTIME_SETTINGS.apiPort.name]: String(options.port ?? 8080),
      // The in-process worker consumes it, so a reprocessing request is carried out here too.
      [RUNTIME_SETTINGS.reprocessQueueUrl.name]: system.queues.reprocess,
      ...options.apiEnvironment,
    });
    // As its instances: every SDK call the API makes is held to the synthesized instance role (local/iam/).
    const gallery = await buildGallery();
    api = await runAsFunction(apiInstanceProfile(system.resources.stackName), () => startApi(settings, gallery));
    const url = api.url.replace('://localhost', '://127.0.0.1');
    allowedOrigins.push(new URL(url).origin);
    const running = { api, front };
    return {
      url,
      token,
      s3Endpoint: `http://127.0.0.1:${front.port}`,
      rawBucket: system.resources.rawBucket,
      processedBucket: system.resources.processedBucket,
      uploadsPrefix: system.resources.uploadsPrefix,
      system,
      async stop() {
        await running.api.close();
        await running.front.stop();
        await system.stop();
      },
    };
  } catch (error) {
    await api?.close().catch(() => {});
    await front?.stop().catch(() => {});
    await system.stop().catch(() => {});
    throw error;
  }
}
