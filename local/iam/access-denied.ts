/**
 * A denied call as each service reports it through the SDK: the service's own exception class,
 * the error name and HTTP status it answers with, and IAM's sentence as the message.
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { AuthorizationErrorException, KMSAccessDeniedException } from '@aws-sdk/client-sns';
import { SQSServiceException } from '@aws-sdk/client-sqs';
import type { AuthorizationRequest } from './requests';

const metadata = (httpStatusCode: number) => ({ httpStatusCode, attempts: 1, totalRetryDelay: 0 });

export function accessDenied(client: string, request: AuthorizationRequest, message: string): Error {
  switch (client) {
    case 'S3Client':
      // S3 also answers AccessDenied when KMS refuses the key it would use for the caller.
      return new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: metadata(403), message });
    case 'DynamoDBClient':
      return new DynamoDBServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: metadata(400), message });
    case 'SNSClient':
      return request.via === 'SNS'
        ? new KMSAccessDeniedException({ $metadata: metadata(400), message })
        : new AuthorizationErrorException({ $metadata: metadata(403), message });
    case 'SFNClient':
      return new SFNServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: metadata(400), message });
    case 'SQSClient':
      return new SQSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: metadata(403), message });
    default:
      return Object.assign(new Error(message), { name: 'AccessDenied' });
  }
}

