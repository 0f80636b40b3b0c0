/** The synth diff as Markdown for a pull request: a line per stack, then each change with its attributes. */
import { showValue, type AttributeChange } from '../review/attributes';
import { code, plural } from '../review/markdown';
import { describeStatement } from '../review/policy';
import type { AddressChange, StackDiff } from './diff';

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

function attributeLines(change: AttributeChange): string[] {
  const name = change.path === '' ? '(whole block)' : code(change.path);
  if (!change.statements) return [`  - ${name}: ${code(showValue(change.before))} → ${code(showValue(change.after))}`];
  return [
    `  - ${name} (policy):`,
    ...change.statements.map((statement) => {
      const body = statement.kind === 'removed' ? statement.before! : statement.after!;
      const was = statement.kind === 'changed' ? ` (was: ${describeStatement(statement.before!)})` : '';
      return `    - ${statement.kind} statement ${code(statement.label)}: ${describeStatement(body)}${was}`;
    }),
  ];
}

function changeLines(change: AddressChange): string[] {
  return [`- ${SIGN[change.kind]} ${code(change.address)}${change.kind === 'changed' ? '' : ` ${change.kind}`}`, ...change.attributes.flatMap(attributeLines)];
}

export function renderSynthDiff(base: string, diffs: readonly StackDiff[]): string {
  const lines = [`## Synthesized Terraform: ${base} → working tree`, ''];
  if (diffs.every((diff) => diff.kind === 'unchanged')) {
    lines.push(`No stack changed (${diffs.map((diff) => code(diff.stack)).join(', ')}).`);
    return `${lines.join('\n')}\n`;
  }
  for (const diff of diffs) {
    const counts = (['added', 'removed', 'changed'] as const).map((kind) => `${diff.changes.filter((change) => change.kind === kind).length} ${kind}`).join(', ');
    lines.push(`### ${code(diff.stack)}${diff.kind === 'added' || diff.kind === 'removed' ? ` (stack ${diff.kind})` : ''}`, '');
    if (diff.kind === 'unchanged') {
      lines.push('No change.', '');
      continue;
    }
    lines.push(`${counts} (${plural(diff.changes.length, 'address')})`, '');
    // Removals first: they are what a reviewer must not miss.
    for (const kind of ['removed', 'changed', 'added'] as const) {
      for (const change of diff.changes.filter((candidate) => candidate.kind === kind)) lines.push(...changeLines(change));
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
