/**
 * One accessor per AWS service, each building its SDK client on first use and then reusing it, so
 * a warm Lambda keeps its connections. They are separate functions, not one object, so a bundle
 * carries only the SDK packages of the services its entrypoint calls: esbuild drops an accessor
 * nobody imports, and the SDK's packages declare no side effects, so its client goes too (a test
 * checks each function's bundle against its manifest's access needs). All configuration — region,
 * credentials, endpoints (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`), retry attempts — comes
 * from the SDK's standard sources, which is how the same code reaches AWS or the local emulators.
 * Adapters never call these: they receive clients through their constructors.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

type ServiceClient = S3Client | DynamoDBClient | SNSClient | SFNClient | SQSClient;

/** Something done to each client as it is built (the local runner adds its IAM check to the middleware stack). */
export type ClientDecorator = (client: ServiceClient) => void;

let decorate: ClientDecorator | undefined;

const built = new Map<string, ServiceClient>();

function reused<Client extends ServiceClient>(service: string, create: () => Client): Client {
  let client = built.get(service) as Client | undefined;
  if (!client) {
    client = create();
    decorate?.(client);
    built.set(service, client);
  }
  return client;
}

export const s3Client = (): S3Client => reused('s3', () => new S3Client({}));
export const dynamoDbClient = (): DynamoDBClient => reused('dynamodb', () => new DynamoDBClient({}));
export const snsClient = (): SNSClient => reused('sns', () => new SNSClient({}));
export const sfnClient = (): SFNClient => reused('sfn', () => new SFNClient({}));
export const sqsClient = (): SQSClient => reused('sqs', () => new SQSClient({}));

/**
 * For tests and the local runner only: closes the clients built so far and forgets them, so the
 * next use reads the (changed) environment again, e.g. after emulators start on new ports.
 */
export function resetServiceClients(): void {
  for (const client of built.values()) client.destroy();
  built.clear();
}

/**
 * For the local runner only: decorates every client built from now on (none is built yet after
 * this call), or stops decorating with `undefined`.
 */
export function decorateServiceClients(decorator: ClientDecorator | undefined): void {
  resetServiceClients();
  decorate = decorator;
}
