/**
 * All five process-wide AWS SDK clients behind one object, for code that talks to several services
 * and is not bundled per function (the API, the local runner and its IAM check).
 * Each client is still built on first use, by its accessor in `service-clients.ts`; Lambda
 * entrypoints import those accessors directly, so each bundle carries only the clients it uses.
 * Adapters never call this: they receive clients through their constructors.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { decorateServiceClients, dynamoDbClient, resetServiceClients, s3Client, sfnClient, snsClient, sqsClient } from './service-clients';

export interface AwsClients {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly sfn: SFNClient;
  readonly sqs: SQSClient;
}

const clients: AwsClients = {
  get s3() {
    return s3Client();
  },
  get dynamodb() {
    return dynamoDbClient();
  },
  get sns() {
    return snsClient();
  },
  get sfn() {
    return sfnClient();
  },
  get sqs() {
    return sqsClient();
  },
};

export function createAwsClients(): AwsClients {
  return clients;
}

/**
 * For tests and the local runner only: closes the clients built so far and forgets them, so the
 * next use reads the (changed) environment again, e.g. after emulators start on new ports.
 */
export const resetAwsClients = resetServiceClients;

/**
 * For the local runner only: decorates every client built from now on (none is built yet after
 * this call), or stops decorating with `undefined`.
 */
export const decorateAwsClients = decorateServiceClients;
