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

const factories: { readonly [K in keyof AwsClients]: () => AwsClients[K] } = {
  s3: () => new S3Client({}),
  dynamodb: () => new DynamoDBClient({}),
  sns: () => new SNSClient({}),
  sfn: () => new SFNClient({}),
  sqs: () => new SQSClient({}),
};

let built: Built = {};
let clients: AwsClients | undefined;

export function createAwsClients(): AwsClients {
  clients ??= {
    get s3() {
      return (built.s3 ??= factories.s3());
    },
    get dynamodb() {
      return (built.dynamodb ??= factories.dynamodb());
    },
    get sns() {
      return (built.sns ??= factories.sns());
    },
    get sfn() {
      return (built.sfn ??= factories.sfn());
    },
    get sqs() {
      return (built.sqs ??= factories.sqs());
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
