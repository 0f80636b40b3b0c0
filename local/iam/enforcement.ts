/**
 * Holds every SDK call of the functions to the calling function's role policy, as synthesized by
 * the stack (or as replaced with --policy): a middleware on each of the functions' clients maps
 * the command to what IAM authorizes (requests.ts), asks the evaluator, and fails a denied call
 * the way the service does (access-denied.ts) before anything is sent. It records what each
 * function was allowed to do and every call that was denied.
 */
import type { AwsClients } from '../../handlers/adapters/clients';
import { accessDenied } from './access-denied';
import { callingFunction } from '../invocation';
import { decide, InvalidPolicyError, validatedPolicy, type Caller, type Decision } from './evaluator';
import { resolveDeep, resolveReferences, UnresolvedReferenceError } from './references';
import { authorizationRequests, type AuthorizationRequest } from './requests';
import type { LocalStackModel } from './stack-model';

export interface DeniedCall {
  /** The entrypoint, as `--policy` names it. */
  readonly function: string;
  readonly action: string;
  readonly resource: string;
  /** How many calls were denied this way. */
  readonly calls: number;
}

type Input = Record<string, unknown>;
/** The SDK's initialize-step middleware, typed only as far as this check reads it. */
type Handler = (args: { readonly input: object }) => Promise<{ readonly output: unknown; readonly response: unknown }>;
type Middleware = (next: Handler, context: { readonly clientName?: string; readonly commandName?: string }) => Handler;

const EMPTY_POLICY = { Version: '2012-10-17', Statement: [] };

/** A policy given with --policy that cannot be used: the user's to fix. */
export class GivenPolicyError extends Error {}

/** A replacement policy, its Terraform references (as in cdktf.out) resolved against the local stack. */
function givenPolicy(entrypoint: string, document: unknown, model: LocalStackModel) {
  try {
    return validatedPolicy(resolveDeep(document, model.references), `the --policy given for ${entrypoint}`, 'identity');
  } catch (error) {
    if (error instanceof UnresolvedReferenceError) {
      throw new GivenPolicyError(`The --policy given for ${entrypoint} refers to \${${error.reference}}, which is no attribute the local runner knows of a resource or data source of the local stack.`);
    }
    if (error instanceof InvalidPolicyError) throw new GivenPolicyError(error.message);
    throw error;
  }
}

export class IamEnforcement {
  private readonly callerOf = new Map<string, Caller>();
  private readonly resourcePolicies = new Map<string, ReturnType<typeof validatedPolicy>>();
  private readonly used = new Map<string, Map<string, AuthorizationRequest>>();
  /** Each function's decisions so far: its policy, the place and the resource policies never change, so a request seen again is decided as before without another evaluation. */
  private readonly decisions = new Map<string, Map<string, Decision>>();
  private readonly deniedCalls = new Map<string, { function: string; action: string; resource: string; calls: number }>();

  /**
   * @param entrypoints function name → entrypoint name, for every local function
   * @param overrides entrypoint name → a policy document (Terraform references allowed) replacing its synthesized one
   * @throws GivenPolicyError for an override that cannot be used
   */
  constructor(
    readonly model: LocalStackModel,
    private readonly entrypoints: ReadonlyMap<string, string>,
    overrides: Readonly<Record<string, unknown>> = {},
  ) {
    for (const [functionName, entrypoint] of entrypoints) {
      const role = model.functions[functionName] ?? model.tasks[functionName] ?? model.instanceProfiles[functionName];
      const override = overrides[entrypoint];
      const policy =
        override === undefined
          ? validatedPolicy(role ? JSON.parse(resolveReferences(role.policy, model.references)) : EMPTY_POLICY, `the synthesized policy of ${functionName}`, 'identity')
          : givenPolicy(entrypoint, override, model);
      this.callerOf.set(functionName, { roleName: role?.roleName ?? functionName, sessionName: functionName, policy });
    }
    for (const [bucket, policy] of Object.entries(model.bucketPolicies)) {
      this.resourcePolicies.set(`arn:aws:s3:::${bucket}`, validatedPolicy(JSON.parse(policy), `the bucket policy of ${bucket}`, 'resource'));
    }
    for (const [key, policy] of Object.entries(model.keyPolicies)) {
      this.resourcePolicies.set(key, validatedPolicy(JSON.parse(policy), `the key policy of ${key}`, 'resource'));
    }
  }

  /** Adds the check to a client's middleware stack (handlers/adapters/clients.ts decorates each client with it). */
  install(client: AwsClients[keyof AwsClients]): void {
    // One signature for every client: the SDK's types are per client, this middleware is the same for all.
    (client.middlewareStack as { add(middleware: never, options: object): void }).add(this.middleware as never, { step: 'initialize', name: 'localIamCheck', priority: 'high' });
  }

  /** The calls denied so far, one entry per function, action and resource. */
  denied(): DeniedCall[] {
    return [...this.deniedCalls.values()].map((entry) => ({ ...entry }));
  }

  /** Forgets the denied calls (each batch reports its own). */
  clearDenied(): void {
    this.deniedCalls.clear();
  }

  /** Every distinct request each function was allowed, by entrypoint. */
  allowedRequests(): ReadonlyMap<string, readonly AuthorizationRequest[]> {
    return new Map([...this.used].map(([functionName, requests]) => [this.entrypoints.get(functionName) ?? functionName, [...requests.values()]]));
  }

  /** Each entrypoint's caller: its role and the policy it is held to. */
  callers(): ReadonlyMap<string, Caller> {
    return new Map([...this.entrypoints].map(([functionName, entrypoint]) => [entrypoint, this.callerOf.get(functionName)!]));
  }

  /** The resource policy a request is evaluated with, if its resource has one. */
  resourcePolicyFor(request: AuthorizationRequest) {
    const bucket = /^(arn:aws:s3:::[^/]+)/.exec(request.resource)?.[1];
    return this.resourcePolicies.get(bucket ?? request.resource);
  }

  /** Allowed requests are recorded; a denied one is recorded and returned as the service's error. */
  private check(client: string, functionName: string, request: AuthorizationRequest): Error | undefined {
    const requestKey = JSON.stringify([request.action, request.resource, request.context]);
    const decision = this.decision(functionName, requestKey, request);
    if (decision.allowed) {
      const requests = this.used.get(functionName) ?? new Map<string, AuthorizationRequest>();
      this.used.set(functionName, requests);
      requests.set(requestKey, request);
      return undefined;
    }
    const entrypoint = this.entrypoints.get(functionName) ?? functionName;
    const key = JSON.stringify([entrypoint, request.action, request.resource]);
    const entry = this.deniedCalls.get(key) ?? { function: entrypoint, action: request.action, resource: request.resource, calls: 0 };
    entry.calls += 1;
    this.deniedCalls.set(key, entry);
    return accessDenied(client, request, decision.message);
  }

  private decision(functionName: string, requestKey: string, request: AuthorizationRequest): Decision {
    const decided = this.decisions.get(functionName) ?? new Map<string, Decision>();
    this.decisions.set(functionName, decided);
    const known = decided.get(requestKey);
    if (known) return known;
    const caller = this.callerOf.get(functionName) ?? { roleName: functionName, sessionName: functionName, policy: validatedPolicy(EMPTY_POLICY, functionName, 'identity') };
    const decision = decide(caller, request, this.model.place, this.resourcePolicyFor(request));
    decided.set(requestKey, decision);
    return decision;
  }

  private readonly middleware: Middleware = (next, context) => async (args) => {
    const client = String(context.clientName);
    const command = String(context.commandName);
    const functionName = callingFunction();
    if (functionName === undefined) {
      throw new Error(`${client} ${command} was sent through the functions' SDK clients outside any function's invocation, so no role's policy applies to it.`);
    }
    const input = args.input as Input;
    const requests = authorizationRequests(client, command, input, this.model.place, this.model);
    if (command === 'DeleteObjectsCommand') return this.deleteObjects(client, functionName, requests, args, next);
    for (const request of requests) {
      const denied = this.check(client, functionName, request);
      if (denied) throw denied;
    }
    try {
      return await next(args);
    } catch (error) {
      throw this.missingObject(client, functionName, command, input, error) ?? error;
    }
  };

  /**
   * S3 answers a missing key with 404 only to a caller who may list the bucket, and with 403
   * AccessDenied to anyone else (so a caller cannot learn which keys exist).
   */
  private missingObject(client: string, functionName: string, command: string, input: Input, error: unknown): Error | undefined {
    if (command !== 'GetObjectCommand' && command !== 'HeadObjectCommand') return undefined;
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) return undefined;
    return this.check(client, functionName, { action: 's3:ListBucket', resource: `arn:aws:s3:::${String(input.Bucket)}`, context: { 'aws:SecureTransport': 'true' } });
  }

  /** DeleteObjects is authorized key by key: S3 deletes the allowed keys and answers AccessDenied for each of the others. */
  private async deleteObjects(client: string, functionName: string, requests: readonly AuthorizationRequest[], args: { readonly input: object }, next: Handler) {
    const input = args.input as { Delete?: { Objects?: { Key?: string }[] } };
    const objects = input.Delete?.Objects ?? [];
    const denied = objects.filter((_, index) => this.check(client, functionName, requests[index]!) !== undefined);
    const errors = denied.map((object) => ({ Key: object.Key, Code: 'AccessDenied', Message: 'Access Denied' }));
    const allowed = objects.filter((object) => !denied.includes(object));
    if (allowed.length === 0) return { output: { $metadata: { httpStatusCode: 200 }, Errors: errors }, response: {} };
    const result = await next({ ...args, input: { ...input, Delete: { ...input.Delete, Objects: allowed } } });
    const output = result.output as { Errors?: unknown[] };
    return errors.length === 0 ? result : { ...result, output: { ...output, Errors: [...(output.Errors ?? []), ...errors] } };
  }
}
