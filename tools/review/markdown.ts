/** Small Markdown pieces the review commands share. */
import { showValue, type AttributeChange } from './attributes';
import { describeStatement } from './policy';

/** Inline code that survives backticks inside the value. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${text}${fence.length > 1 ? ' ' : ''}${fence}`;
}

export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body.trim()}\n\n</details>`;
}

export const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`;

/** One changed attribute as list items: old → new, or a policy statement by statement. */
export function attributeLines(change: AttributeChange, options: { readonly unknownAfter?: boolean } = {}): string[] {
  const name = change.path === '' ? '(whole block)' : code(change.path);
  if (!change.statements) return [`  - ${name}: ${code(showValue(change.before))} → ${options.unknownAfter ? '(known after apply)' : code(showValue(change.after))}`];
  return [
    `  - ${name} (policy):`,
    ...change.statements.map((statement) => {
      const body = statement.kind === 'removed' ? statement.before! : statement.after!;
      const was = statement.kind === 'changed' ? ` (was: ${describeStatement(statement.before!)})` : '';
      return `    - ${statement.kind} statement ${code(statement.label)}: ${describeStatement(body)}${was}`;
    }),
  ];
}
