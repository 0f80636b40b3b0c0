/**
 * A small Step Functions endpoint on loopback, speaking the service's JSON 1.0 protocol
 * (`POST /`, `x-amz-target: AWSStepFunctions.<Action>`), so the unchanged start-workflow handler
 * reaches it through `AWS_ENDPOINT_URL_SFN` with the real SDK client.
 *
 * It serves one state machine. Actions: StartExecution, DescribeExecution, ListExecutions, and
 * SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat for the tokens of waiting tasks
 * (task-tokens.ts); anything else is `UnknownOperationException`. StartExecution behaves as AWS documents:
 * for a Standard workflow the same name and input as a *running* execution returns that execution
 * (no second run), and a different input, or a name whose execution has already closed, is
 * `400 ExecutionAlreadyExists`; an Express workflow does not deduplicate names at all — every
 * call starts another run, under an ARN of its own.
 *
 * Executions are queued and run at most `concurrency` at a time; a queued one reports RUNNING,
 * as an AWS execution does from the moment StartExecution returns.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLimiter, type Limiter } from './limit';
import type { ExecutionEvent, ExecutionStatus, LocalStateMachine } from './state-machine';
import { TokenError, type TaskTokens } from './task-tokens';

/** Step Functions' limit on an execution's input and on any state's payload. */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly name: string;
  /** The input exactly as given to StartExecution. */
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  events: readonly ExecutionEvent[];
  /** What went wrong in `onStopped` (locally: the reconciler), if anything. */
  afterStopError?: string;
  /** Resolves when the execution has stopped and `onStopped` is done. */
  readonly settled: Promise<ExecutionRecord>;
}

export interface StepFunctionsServerOptions {
  readonly stateMachineArn: string;
  readonly machine: Pick<LocalStateMachine, 'run'>;
  /** Executions running at once; the rest wait. */
  readonly concurrency: number;
  /** @default 'STANDARD' */
  readonly type?: 'STANDARD' | 'EXPRESS';
  /**
   * Called once an execution has stopped, before it counts as settled — what EventBridge's
   * "Execution Status Change" event sets off in AWS. Its failure is the caller's to report.
   */
  readonly onStopped?: (record: ExecutionRecord) => Promise<void>;
  /** The tokens of waiting tasks, for the SendTask* actions. */
  readonly tokens?: TaskTokens;
}

class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Execution names: 1–80 characters, none of whitespace, wildcards, brackets, control characters. */
const INVALID_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

export class StepFunctionsServer {
  /** What answers each request to `url`; the in-process transport calls it directly. */
  readonly listener: RequestListener;
  private readonly server: Server;
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly limit: Limiter;
  private readonly stateMachineName: string;
  private readonly executionArnPrefix: string;
  private readonly expressArnPrefix: string;
  private closing = false;
  private readonly aborting = new AbortController();
  private url_ = '';

  private constructor(private readonly options: StepFunctionsServerOptions) {
    const parts = options.stateMachineArn.split(':');
    if (parts.length !== 7 || parts[2] !== 'states' || parts[5] !== 'stateMachine') {
      throw new Error(`Expected a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>), but received ${options.stateMachineArn}.`);
    }
    this.stateMachineName = parts[6]!;
    this.executionArnPrefix = `${parts.slice(0, 5).join(':')}:execution:${this.stateMachineName}:`;
    this.expressArnPrefix = `${parts.slice(0, 5).join(':')}:express:${this.stateMachineName}:`;
    this.limit = createLimiter(options.concurrency);
    this.listener = (request, response) => void this.handle(request, response);
    this.server = createServer(this.listener);
  }

  static async start(options: StepFunctionsServerOptions): Promise<StepFunctionsServer> {
    const server = new StepFunctionsServer(options);
    server.server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    server.url_ = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    return server;
  }

  /** The endpoint for `AWS_ENDPOINT_URL_SFN`. */
  get url(): string {
    return this.url_;
  }

  get stateMachineArn(): string {
    return this.options.stateMachineArn;
  }

  /** Every execution started, in start order. */
  executions(): ExecutionRecord[] {
    return [...this.records.values()];
  }

  execution(executionArn: string): ExecutionRecord | undefined {
    return this.records.get(executionArn);
  }

  /** Resolves once every execution started so far has stopped. */
  async idle(): Promise<void> {
    await Promise.all(this.executions().map((record) => record.settled));
  }

  /** Stops accepting requests, waits for running executions, closes the port. */
  async close(): Promise<void> {
    this.closing = true;
    await this.idle();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  /** Stops every execution: running ones end ABORTED at their next step, queued ones never start. */
  abortExecutions(): void {
    this.closing = true;
    this.aborting.abort();
  }

  /** StartExecution, callable in-process too (the HTTP action calls this). */
  startExecution(request: { stateMachineArn?: unknown; name?: unknown; input?: unknown }): { executionArn: string; startDate: Date } {
    if (request.stateMachineArn !== this.options.stateMachineArn) {
      if (typeof request.stateMachineArn !== 'string') {
        throw new ServiceError('ValidationException', "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null");
      }
      throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    }
    const name = request.name === undefined ? randomUUID() : request.name;
    if (typeof name !== 'string' || name.length < 1 || name.length > 80 || INVALID_NAME.test(name)) {
      throw new ServiceError('InvalidName', `Invalid Name: '${String(name)}'`);
    }
    const input = request.input === undefined ? '{}' : request.input;
    if (typeof input !== 'string') {
      throw new ServiceError('SerializationException', 'Expected input to be a string holding JSON.');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch (error) {
      throw new ServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
    }
    if (Buffer.byteLength(input) > STATE_PAYLOAD_LIMIT_BYTES) {
      throw new ServiceError('InvalidExecutionInput', `Execution input of ${Buffer.byteLength(input)} bytes exceeds the ${STATE_PAYLOAD_LIMIT_BYTES}-byte limit.`);
    }
    const express = this.options.type === 'EXPRESS';
    const executionArn = express ? `${this.expressArnPrefix}${name}:${randomUUID()}` : `${this.executionArnPrefix}${name}`;
    const existing = express ? undefined : this.records.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    if (this.closing) {
      throw new ServiceError('ServiceUnavailable', 'The local Step Functions endpoint is shutting down.', 503);
    }
    const startDate = new Date();
    let resolveSettled!: (record: ExecutionRecord) => void;
    const settled = new Promise<ExecutionRecord>((resolve) => (resolveSettled = resolve));
    const record: ExecutionRecord = { executionArn, name, input, startDate, status: 'RUNNING', events: [], settled };
    this.records.set(executionArn, record);
    void this.limit(() =>
      this.options.machine.run(
        parsed,
        { executionArn, name, stateMachineArn: this.options.stateMachineArn, stateMachineName: this.stateMachineName, startDate },
        this.aborting.signal,
      ),
    ).then(
      (outcome) => {
        record.status = outcome.status;
        record.events = outcome.events;
        if (outcome.status === 'SUCCEEDED') record.output = JSON.stringify(outcome.output ?? null);
        if (outcome.error !== undefined) record.error = outcome.error;
        if (outcome.cause !== undefined) record.cause = outcome.cause;
      },
      (error: unknown) => {
        record.status = 'FAILED';
        record.error = 'States.Runtime';
        record.cause = `The local runner failed: ${(error as Error)?.stack ?? String(error)}`;
      },
    )
      .then(async () => {
        record.stopDate = new Date();
        try {
          await this.options.onStopped?.(record);
        } catch (error) {
          record.afterStopError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        }
      })
      .finally(() => resolveSettled(record));
    return { executionArn, startDate };
  }

  /** The fields ListExecutions gives for an execution; DescribeExecution adds input, output and error. */
  private summary(record: ExecutionRecord): Record<string, unknown> {
    return {
      executionArn: record.executionArn,
      stateMachineArn: this.options.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: seconds(record.startDate),
      ...(record.stopDate ? { stopDate: seconds(record.stopDate) } : {}),
    };
  }

  private describe(record: ExecutionRecord): Record<string, unknown> {
    return {
      ...this.summary(record),
      input: record.input,
      inputDetails: { included: true },
      ...(record.output !== undefined ? { output: record.output, outputDetails: { included: true } } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
    };
  }

  private findExecution(executionArn: unknown): ExecutionRecord {
    if (typeof executionArn !== 'string' || !executionArn.startsWith('arn:')) {
      throw new ServiceError('InvalidArn', `Invalid Arn: '${String(executionArn)}'`);
    }
    const record = this.records.get(executionArn);
    if (!record) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  private act(action: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (action) {
      case 'StartExecution': {
        const { executionArn, startDate } = this.startExecution(body);
        return { executionArn, startDate: seconds(startDate) };
      }
      case 'DescribeExecution':
        return this.describe(this.findExecution(body.executionArn));
      case 'ListExecutions': {
        if (body.stateMachineArn !== this.options.stateMachineArn) {
          throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`);
        }
        const filter = typeof body.statusFilter === 'string' ? body.statusFilter : undefined;
        return {
          executions: this.executions()
            .filter((record) => !filter || record.status === filter)
            .reverse()
            .map((record) => this.summary(record)),
        };
      }
      case 'SendTaskSuccess':
      case 'SendTaskFailure':
      case 'SendTaskHeartbeat':
        this.reportOnTask(action, body);
        return {};
      default:
        throw new ServiceError('UnknownOperationException', `The local Step Functions endpoint does not implement ${action}.`);
    }
  }

  private reportOnTask(action: 'SendTaskSuccess' | 'SendTaskFailure' | 'SendTaskHeartbeat', body: Record<string, unknown>): void {
    const { tokens } = this.options;
    if (!tokens) throw new ServiceError('UnknownOperationException', `The local Step Functions endpoint does not implement ${action}: no state waits for a task token.`);
    const token = String(body.taskToken ?? '');
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    try {
      if (action === 'SendTaskSuccess') tokens.succeed(token, String(body.output ?? ''));
      else if (action === 'SendTaskFailure') tokens.fail(token, text(body.error), text(body.cause));
      else tokens.heartbeat(token);
    } catch (error) {
      if (error instanceof TokenError) throw new ServiceError(error.code, error.message);
      throw error;
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const target = request.headers['x-amz-target'];
      const prefix = 'AWSStepFunctions.';
      if (request.method !== 'POST' || typeof target !== 'string' || !target.startsWith(prefix)) {
        throw new ServiceError('UnknownOperationException', 'Expected POST / with an x-amz-target header of AWSStepFunctions.<Action>.');
      }
      let body: unknown;
      try {
        body = chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        throw new ServiceError('SerializationException', 'The request body is not JSON.');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new ServiceError('SerializationException', 'The request body is not a JSON object.');
      }
      send(response, 200, this.act(target.slice(prefix.length), body as Record<string, unknown>));
    } catch (error) {
      if (error instanceof ServiceError) {
        send(response, error.status, { __type: `com.amazonaws.swf.service.v2.model#${error.code}`, message: error.message }, error.code);
      } else {
        send(response, 500, { __type: 'InternalFailure', message: (error as Error)?.message ?? String(error) }, 'InternalFailure');
      }
    }
  }
}

/** JSON 1.0 timestamps are epoch seconds. */
function seconds(date: Date): number {
  return date.getTime() / 1000;
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(json),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(json);
}
