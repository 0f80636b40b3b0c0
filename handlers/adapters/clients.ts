/**
 * The process-wide AWS SDK clients used by entrypoints (Lambda handlers, the worker, the API).
 * Each client is built on first use and then reused, so a warm Lambda keeps its connections and
 * a function that never touches a service never builds its client. All configuration — region,
 * credentials, endpoints (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`), retry attempts — comes
 * from the SDK's standard sources, which is how the same code reaches AWS or the local emulators.
 * Adapters never call this: they receive clients through their constructors.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClients {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly sfn: SFNClient;
  readonly sqs: SQSClient;
}

type Built = { -readonly [K in keyof AwsClients]?: AwsClients[K] };

/** Something done to each client as it is built (the local runner adds its IAM check to the middleware stack). */
export type ClientDecorator = (client: AwsClients[keyof AwsClients]) => void;

let decorate: ClientDecorator | undefined;

const factories: { readonly [K in keyof AwsClients]: () => AwsClients[K] } = {
  s3: () => new S3Client({}),
  dynamodb: () => new DynamoDBClient({}),
  sns: () => new SNSClient({}),
  sfn: () => new SFNClient({}),
  sqs: () => new SQSClient({}),
};

function build<K extends keyof AwsClients>(name: K): AwsClients[K] {
  const client = factories[name]();
  decorate?.(client);
  return client;
}

let built: Built = {};
let clients: AwsClients | undefined;

export function createAwsClients(): AwsClients {
  clients ??= {
    get s3() {
      return (built.s3 ??= build('s3'));
    },
    get dynamodb() {
      return (built.dynamodb ??= build('dynamodb'));
    },
    get sns() {
      return (built.sns ??= build('sns'));
    },
    get sfn() {
      return (built.sfn ??= build('sfn'));
    },
    get sqs() {
      return (built.sqs ??= build('sqs'));
    },
  };
  return clients;
}

/**
 * For tests and the local runner only: closes the clients built so far and forgets them, so the
 * next use reads the (changed) environment again, e.g. after emulators start on new ports.
 */
export function resetAwsClients(): void {
  for (const client of Object.values(built)) client?.destroy();
  built = {};
}

/**
 * For the local runner only: decorates every client built from now on (none is built yet after
 * this call), or stops decorating with `undefined`.
 */
export function decorateAwsClients(decorator: ClientDecorator | undefined): void {
  resetAwsClients();
  decorate = decorator;
}
