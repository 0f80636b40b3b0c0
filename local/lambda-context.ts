/**
 * A Lambda-shaped `context` for handlers invoked in-process, with the fields the Node.js runtime
 * provides: names, ARN, memory, request id, log group/stream, and a clock that runs down from
 * the function's configured timeout.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export const LOCAL_ACCOUNT_ID = '000000000000';

export interface LocalFunction {
  /** The function's name, e.g. `image-processor-local-validate`. */
  readonly functionName: string;
  readonly region: string;
  /** Timeout in seconds, as configured on the function. */
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

/** `arn:aws:lambda:<region>:000000000000:function:<name>` */
export function localFunctionArn(region: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`;
}

export function createLambdaContext(fn: LocalFunction, options: { now?: () => number; requestId?: string } = {}): Context {
  const now = options.now ?? Date.now;
  const deadline = now() + fn.timeoutSeconds * 1000;
  const awsRequestId = options.requestId ?? randomUUID();
  const date = new Date(now()).toISOString().slice(0, 10).replaceAll('-', '/');
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is the legacy callback API; handlers here are async and return their result.`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(fn.region, fn.functionName),
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `${date}/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
