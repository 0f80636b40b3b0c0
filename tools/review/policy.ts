/**
 * IAM, bucket, key and topic policies are JSON documents inside one string attribute; a reviewer
 * needs them compared statement by statement, not as two long strings.
 */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: unknown;
}

export interface StatementChange {
  readonly kind: 'added' | 'removed' | 'changed';
  /** The Sid, or a short description of an unnamed statement. */
  readonly label: string;
  readonly before?: PolicyStatement;
  readonly after?: PolicyStatement;
}

/** The statements of a policy document, or undefined when the value is not one. */
export function policyStatements(value: unknown): PolicyStatement[] | undefined {
  if (typeof value !== 'string' || !value.includes('Statement')) return undefined;
  try {
    const document = JSON.parse(value) as { Statement?: unknown };
    const statements = document.Statement;
    if (Array.isArray(statements)) return statements as PolicyStatement[];
    return statements && typeof statements === 'object' ? [statements as PolicyStatement] : undefined;
  } catch {
    return undefined;
  }
}

export const asList = (value: string | readonly string[] | undefined): readonly string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : value);

/** A canonical form: keys sorted, single values as lists, so formatting never counts as a change. */
function canonical(statement: PolicyStatement): string {
  const normalize = (value: unknown): unknown => {
    if (Array.isArray(value)) return [...value].map(normalize).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, item]) => [key, normalize(item)]));
    return value;
  };
  const { Sid: _sid, ...rest } = statement;
  const lists = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, /Action|Resource/.test(key) ? asList(value as string | string[]) : value]));
  return JSON.stringify(normalize(lists));
}

function labelOf(statement: PolicyStatement, index: number): string {
  if (statement.Sid) return statement.Sid;
  const actions = asList(statement.Action ?? statement.NotAction);
  return `statement ${index + 1} (${statement.Effect ?? 'Allow'} ${actions.slice(0, 2).join(', ')}${actions.length > 2 ? ', …' : ''})`;
}

/** Statements matched by Sid, unnamed ones by content; a changed statement keeps its Sid. */
export function diffStatements(before: readonly PolicyStatement[], after: readonly PolicyStatement[]): StatementChange[] {
  const changes: StatementChange[] = [];
  const named = (list: readonly PolicyStatement[]) => new Map(list.filter((statement) => statement.Sid).map((statement) => [statement.Sid!, statement]));
  const beforeNamed = named(before);
  const afterNamed = named(after);
  for (const [sid, statement] of afterNamed) {
    const old = beforeNamed.get(sid);
    if (!old) changes.push({ kind: 'added', label: sid, after: statement });
    else if (canonical(old) !== canonical(statement)) changes.push({ kind: 'changed', label: sid, before: old, after: statement });
  }
  for (const [sid, statement] of beforeNamed) if (!afterNamed.has(sid)) changes.push({ kind: 'removed', label: sid, before: statement });
  const unnamed = (list: readonly PolicyStatement[]) => list.map((statement, index) => ({ statement, index })).filter(({ statement }) => !statement.Sid);
  const beforeKeys = new Set(unnamed(before).map(({ statement }) => canonical(statement)));
  const afterKeys = new Set(unnamed(after).map(({ statement }) => canonical(statement)));
  for (const { statement, index } of unnamed(after)) if (!beforeKeys.has(canonical(statement))) changes.push({ kind: 'added', label: labelOf(statement, index), after: statement });
  for (const { statement, index } of unnamed(before)) if (!afterKeys.has(canonical(statement))) changes.push({ kind: 'removed', label: labelOf(statement, index), before: statement });
  return changes;
}

/** What a statement grants, on one line: `Allow s3:GetObject, s3:PutObject on arn:…/* (if …)`. */
export function describeStatement(statement: PolicyStatement): string {
  const actions = asList(statement.Action).length > 0 ? asList(statement.Action).join(', ') : `all but ${asList(statement.NotAction).join(', ')}`;
  const resources = asList(statement.Resource).length > 0 ? asList(statement.Resource).join(', ') : statement.NotResource ? `all but ${asList(statement.NotResource).join(', ')}` : '';
  const principal = statement.Principal === undefined ? '' : ` to ${JSON.stringify(statement.Principal)}`;
  const condition = statement.Condition === undefined ? '' : ` if ${JSON.stringify(statement.Condition)}`;
  return `${statement.Effect ?? 'Allow'} ${actions}${resources ? ` on ${resources}` : ''}${principal}${condition}`;
}
