/**
 * The plan as one pull-request comment: counts per stack, destroys and replacements first,
 * security-relevant changes flagged, the cost delta, and every change collapsed in <details>.
 * The first line is a marker the workflow finds to update the same comment on every push.
 */
import { diffAttributes } from '../review/attributes';
import { attributeLines, code, details } from '../review/markdown';
import { usd } from '../cost/render';
import type { CostDelta } from './cost-delta';
import { KINDS, kindOf, managedChanges, type Plan, type ResourceChange } from './plan';
import { securityFindings } from './security';

export const COMMENT_MARKER = '<!-- plan-summary -->';

export interface StackPlan {
  readonly stack: string;
  readonly plan: Plan;
  readonly cost: CostDelta;
}

const signed = (value: number) => `${value >= 0 ? '+' : '−'}${usd(Math.abs(value))}`;

function forcedBy(change: ResourceChange): string {
  const paths = change.change.replace_paths ?? [];
  return paths.length === 0 ? '' : ` (forced by ${paths.map((path) => code(path.join('.'))).join(', ')})`;
}

function fullPlan(stack: StackPlan): string {
  const lines = [`#### ${code(stack.stack)}`, ''];
  for (const change of managedChanges(stack.plan)) {
    const kind = kindOf(change);
    if (kind === 'no-op' || kind === 'read') continue;
    lines.push(`- **${kind}** ${code(change.address)}${kind === 'replace' ? forcedBy(change) : ''}`);
    if (kind === 'update' || kind === 'replace') {
      for (const attribute of diffAttributes(change.change.before, change.change.after)) {
        lines.push(...attributeLines(attribute, { unknownAfter: change.change.after_unknown?.[attribute.path.split(/[.[]/)[0]!] === true }));
      }
    }
  }
  return lines.join('\n');
}

export function renderPlanSummary(stacks: readonly StackPlan[], options: { readonly imagesPerMonth: number; readonly costBasis: string }): string {
  const out = [COMMENT_MARKER, '## Terraform plan', ''];
  out.push(`| stack | ${KINDS.join(' | ')} |`, `|---|${KINDS.map(() => '---:').join('|')}|`);
  for (const stack of stacks) {
    const changes = managedChanges(stack.plan);
    out.push(`| ${code(stack.stack)} | ${KINDS.map((kind) => changes.filter((change) => kindOf(change) === kind).length).join(' | ')} |`);
  }

  out.push('', '### Destroys and replacements', '');
  const destructive = stacks.flatMap((stack) =>
    managedChanges(stack.plan)
      .filter((change) => ['delete', 'replace'].includes(kindOf(change)))
      .sort((a, b) => kindOf(a).localeCompare(kindOf(b)))
      .map((change) => `- **${kindOf(change)}** ${code(change.address)} in ${code(stack.stack)}${forcedBy(change)}`),
  );
  out.push(...(destructive.length > 0 ? destructive : ['None.']));

  out.push('', '### Security-relevant changes', '');
  const findings = stacks.flatMap((stack) => securityFindings(managedChanges(stack.plan)).map((finding) => ({ stack: stack.stack, finding })));
  findings.sort((a, b) => Number(b.finding.severe) - Number(a.finding.severe));
  out.push(
    ...(findings.length > 0
      ? findings.map(({ stack, finding }) => `- ${finding.severe ? '⚠️ ' : ''}${code(finding.address)} (${finding.kind}, ${code(stack)}): ${finding.notes.join('; ')}`)
      : ['None.']),
  );

  out.push('', '### Cost', '', `Monthly, at ${options.imagesPerMonth.toLocaleString('en-US')} images a month (${options.costBasis}):`, '');
  out.push('| stack | before | after | change | of which fixed |', '|---|---:|---:|---:|---:|');
  for (const { stack, cost } of stacks) {
    out.push(`| ${code(stack)} | ${usd(cost.before)} | ${usd(cost.after)} | ${signed(cost.after - cost.before)} | ${signed(cost.fixedAfter - cost.fixedBefore)} |`);
  }

  const total = stacks.reduce((sum, stack) => sum + managedChanges(stack.plan).filter((change) => !['no-op', 'read'].includes(kindOf(change))).length, 0);
  out.push('', details(`Full plan: ${total} resource change${total === 1 ? '' : 's'}`, stacks.map(fullPlan).join('\n\n')));
  return `${out.join('\n')}\n`;
}
