/** The synth diff as Markdown for a pull request: a line per stack, then each change with its attributes. */
import { attributeLines, code, plural } from '../review/markdown';
import type { AddressChange, StackDiff } from './diff';

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

function changeLines(change: AddressChange): string[] {
  return [`- ${SIGN[change.kind]} ${code(change.address)}${change.kind === 'changed' ? '' : ` ${change.kind}`}`, ...change.attributes.flatMap((attribute) => attributeLines(attribute))];
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
