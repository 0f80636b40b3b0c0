/**
 * What a run used of each function's policy (`npm start -- --policy-report`): the distinct
 * (action, resource) pairs each function was allowed, and the grants — a statement's action —
 * that allowed none of them, the candidates for removal. Grants the Lambda service uses with the
 * function's role, not the function's code, are listed apart: a local run cannot exercise them.
 */
import { allowingStatements } from './evaluator';
import type { IamEnforcement } from './enforcement';
import type { LocalPlace } from './references';

/** Actions Lambda takes with the function's role on its own behalf, and what for. */
const SERVICE_ACTIONS: Readonly<Record<string, string>> = {
  'logs:CreateLogStream': 'Lambda writes the function’s logs',
  'logs:PutLogEvents': 'Lambda writes the function’s logs',
  'xray:PutTraceSegments': 'Lambda sends the traces of active tracing',
  'xray:PutTelemetryRecords': 'Lambda sends the traces of active tracing',
  'sqs:SendMessage': 'Lambda sends an asynchronous event that failed every retry to the on-failure destination',
};

export interface Grant {
  /** The statement's Sid, or its position. */
  readonly statement: string;
  readonly action: string;
  readonly resources: readonly string[];
}

export interface FunctionUsage {
  readonly function: string;
  /** Distinct (action, resource) pairs allowed. */
  readonly pairs: number;
  readonly unused: readonly Grant[];
  /** Grants for the Lambda service's own calls, with what they are for. */
  readonly byLambda: readonly (Grant & { readonly purpose: string })[];
}

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly Resource?: string | readonly string[];
}

const list = (value: string | readonly string[] | undefined): readonly string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : value);

export function policyUsage(enforcement: IamEnforcement, place: LocalPlace): FunctionUsage[] {
  const allowed = enforcement.allowedRequests();
  return [...enforcement.callers()].map(([entrypoint, caller]) => {
    const requests = allowed.get(entrypoint) ?? [];
    const used = new Set<string>();
    for (const request of requests) {
      for (const index of allowingStatements(caller, request, place, enforcement.resourcePolicyFor(request))) used.add(`${index} ${request.action}`);
    }
    const document = caller.policy.policyDocument as { Statement: Statement | Statement[] };
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    const grants = statements.flatMap((statement, index) =>
      statement.Effect !== 'Allow'
        ? []
        : list(statement.Action)
            .filter((action) => !used.has(`${index} ${action}`))
            .map((action) => ({ statement: statement.Sid ?? `#${index + 1}`, action, resources: list(statement.Resource) })),
    );
    return {
      function: entrypoint,
      pairs: new Set(requests.map((request) => `${request.action} ${request.resource}`)).size,
      unused: grants.filter((grant) => !SERVICE_ACTIONS[grant.action]),
      byLambda: grants.filter((grant) => SERVICE_ACTIONS[grant.action]).map((grant) => ({ ...grant, purpose: SERVICE_ACTIONS[grant.action]! })),
    };
  });
}

export function formatPolicyUsage(usage: readonly FunctionUsage[]): string {
  const lines = ['Policy use (distinct action-resource pairs allowed; grants that allowed no call are candidates for removal):'];
  for (const entry of usage) {
    lines.push(`  ${entry.function}: ${entry.pairs} pair(s); ${entry.unused.length === 0 ? 'every grant used' : `unused: ${entry.unused.map((grant) => `${grant.action} (${grant.statement})`).join(', ')}`}`);
    if (entry.byLambda.length > 0) lines.push(`    used by Lambda itself, not by the code: ${entry.byLambda.map((grant) => grant.action).join(', ')}`);
  }
  return lines.join('\n');
}
