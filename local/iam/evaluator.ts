/**
 * IAM's decision on one request, by @cloud-copilot/iam-simulate: the calling function's role
 * policy as the identity policy, and the resource's own policy where the stack gives it one (a
 * bucket policy; a key policy, which KMS requires to allow the account before any IAM policy
 * counts). Every policy is validated once, when loaded; each request is then evaluated without
 * validating again, which is what keeps a run's thousands of checks cheap.
 */
import { createValidatedPolicy, validateIdentityPolicy, validateResourcePolicy, type ValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation, type EvaluationResult } from '@cloud-copilot/iam-simulate';
import type { AuthorizationRequest } from './requests';
import type { LocalPlace } from './references';

type Validated = ValidatedPolicy<{ name: string }>;

export class InvalidPolicyError extends Error {}

/** Validates a policy document once. @throws InvalidPolicyError naming each problem */
export function validatedPolicy(document: unknown, name: string, kind: 'identity' | 'resource'): Validated {
  const validated = createValidatedPolicy(document, kind === 'identity' ? validateIdentityPolicy : validateResourcePolicy, { name });
  if (validated.errors.length > 0) {
    throw new InvalidPolicyError(`Expected ${name} to be a valid IAM ${kind} policy, but ${validated.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}.`);
  }
  return validated;
}

export interface Caller {
  readonly roleName: string;
  /** Lambda names the role's session after the function. */
  readonly sessionName: string;
  readonly policy: Validated;
}

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly message: string };

export function principalArn(caller: Pick<Caller, 'roleName' | 'sessionName'>, place: LocalPlace): string {
  return `arn:aws:sts::${place.account}:assumed-role/${caller.roleName}/${caller.sessionName}`;
}

function evaluate(caller: Caller, request: AuthorizationRequest, place: LocalPlace, resourcePolicy: Validated | undefined, statements?: Validated): EvaluationResult {
  return runUnsafeSimulation(
    {
      identityPolicies: [{ name: caller.policy.metadata!.name, policy: statements ?? caller.policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
      request: {
        principal: principalArn(caller, place),
        action: request.action,
        resource: { resource: request.resource, accountId: place.account },
        contextVariables: { ...request.context } as Record<string, string | string[]>,
      },
    },
    {},
  );
}

/** Allowed, or denied with AWS's sentence. */
export function decide(caller: Caller, request: AuthorizationRequest, place: LocalPlace, resourcePolicy?: Validated): Decision {
  const result = evaluate(caller, request, place, resourcePolicy);
  if (result === 'Allowed') return { allowed: true };
  const denied = `User: ${principalArn(caller, place)} is not authorized to perform: ${request.action} on resource: ${request.resource}`;
  if (result === 'ImplicitlyDenied') return { allowed: false, message: `${denied} because no identity-based policy allows the ${request.action} action` };
  const byIdentity = !resourcePolicy || evaluate(caller, request, place, undefined) === 'ExplicitlyDenied';
  return { allowed: false, message: `${denied} with an explicit deny in ${byIdentity ? 'an identity-based' : 'a resource-based'} policy` };
}

/**
 * Which of the role policy's Allow statements allow `request` on their own (each statement's
 * index), for the report of grants used. Costs one evaluation per statement, so it runs only for
 * that report.
 */
export function allowingStatements(caller: Caller, request: AuthorizationRequest, place: LocalPlace, resourcePolicy?: Validated): number[] {
  const document = caller.policy.policyDocument as { Version: string; Statement: unknown[] | unknown };
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return statements.flatMap((statement, index) => {
    const single = createValidatedPolicy({ Version: document.Version, Statement: [statement] }, () => [], caller.policy.metadata);
    return evaluate(caller, request, place, resourcePolicy, single) === 'Allowed' ? [index] : [];
  });
}
