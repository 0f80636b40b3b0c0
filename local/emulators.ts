/**
 * Real protocol emulators, in-process on free loopback ports: fauxqs speaks S3, SQS and SNS,
 * dynalite speaks DynamoDB. Code under test reaches them only through the standard SDK
 * endpoint variables returned by `environment`, exactly as it would reach AWS — over their ports,
 * or, for the local system's own clients, through `transport` (in-process-transport.ts).
 */
import { once } from 'node:events';
import type { RequestListener } from 'node:http';
import { Server as NetServer, type AddressInfo, type ListenOptions } from 'node:net';
import dynalite from 'dynalite';
import type { FauxqsServer } from 'fauxqs';
import { InProcessTransport } from './in-process-transport';

export interface Emulators {
  /** The fauxqs server, for resource setup that the SDK would do slower. */
  readonly fauxqs: FauxqsServer;
  /** Environment variables that point every AWS SDK client at the emulators. */
  readonly environment: Readonly<Record<string, string>>;
  /** Serves both emulators' ports in-process, for the SDK clients built in this process. */
  readonly transport: InProcessTransport;
  stop(): Promise<void>;
}

export const LOCAL_REGION = 'us-east-1';

export interface EmulatorOptions {
  /** Record S3 uploads on fauxqs's spy (`fauxqs.spy`), which the local upload notifications read. @default false */
  readonly uploadEvents?: boolean;
}

/** Spy events kept at once; the upload notifications take each as it arrives. */
const SPY_BUFFER = 1000;

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  // fauxqs is ESM-only and exports only an `import` condition, which `import()` honours from CommonJS too.
  const { interceptLocalhostDns, startFauxqs } = await import('fauxqs');
  // S3 clients use virtual-hosted-style URLs (bucket.s3.localhost); resolve *.localhost to loopback.
  const restoreDns = interceptLocalhostDns();
  const { started: fauxqs, listener: fauxqsListener } = await onLoopback(() =>
    startFauxqs({ port: 0, logger: false, defaultRegion: LOCAL_REGION, ...(options.uploadEvents ? { messageSpies: { bufferSize: SPY_BUFFER } } : {}) }),
  );
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  dynamo.listen(0, '127.0.0.1');
  await once(dynamo, 'listening');
  const dynamoPort = (dynamo.address() as AddressInfo).port;
  const transport = new InProcessTransport();
  transport.serve(fauxqs.port, fauxqsListener);
  transport.serve(dynamoPort, requestListenerOf(dynamo));

  const environment = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_S3: `http://s3.localhost:${fauxqs.port}`,
    // fauxqs writes queue URLs as sqs.<region>.localhost; the same host here keeps the SQS client from overriding it.
    AWS_ENDPOINT_URL_SQS: `http://sqs.${LOCAL_REGION}.localhost:${fauxqs.port}`,
    AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${fauxqs.port}`,
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${dynamoPort}`,
    // On loopback the optional CRC32 transfer checksums only burn the event loop that also runs
    // the emulators (profiled: ~5% of a run); deployed functions keep the SDK default.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  };

  return {
    fauxqs,
    environment,
    transport,
    async stop() {
      await fauxqs.stop();
      await new Promise<void>((resolve, reject) => dynamo.close((error?: Error) => (error ? reject(error) : resolve())));
      restoreDns();
    },
  };
}

/**
 * fauxqs 2.4.1 listens on every interface (`0.0.0.0`, fixed in its `startFauxqs`): the emulated
 * buckets, queues and topics, which take any credentials, would be open to the machine's network
 * for as long as `npm start` or `npm run serve` runs. Its one listen call is held to loopback, and
 * its server's request listener kept for the in-process transport.
 */
async function onLoopback<T>(start: () => Promise<T>): Promise<{ started: T; listener: RequestListener }> {
  const listen = NetServer.prototype.listen;
  let listener: RequestListener | undefined;
  NetServer.prototype.listen = function (this: NetServer, ...args: unknown[]) {
    const [first] = args;
    if (listener === undefined && typeof first === 'object' && first !== null && (first as ListenOptions).host === '0.0.0.0') {
      listener = requestListenerOf(this);
      args[0] = { ...(first as ListenOptions), host: '127.0.0.1' };
    }
    return Reflect.apply(listen, this, args) as NetServer;
  } as typeof listen;
  let started: T;
  try {
    started = await start();
  } finally {
    NetServer.prototype.listen = listen;
  }
  if (!listener) throw new Error('Expected fauxqs to listen on all interfaces (0.0.0.0), to be held to loopback, but it listened otherwise.');
  return { started, listener };
}

function requestListenerOf(server: NetServer): RequestListener {
  const [listener] = server.listeners('request') as RequestListener[];
  if (!listener) throw new Error('Expected an emulator\'s server to have a request listener, but it has none.');
  return listener;
}
