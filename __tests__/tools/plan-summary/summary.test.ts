/** The plan summary on plan JSON fixtures built from the synthesized dev stack (fixtures/build.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMeasuredUsage } from '../../../tools/cost/usage';
import { costDelta } from '../../../tools/plan-summary/cost-delta';
import { COMMENT_MARKER, renderPlanSummary } from '../../../tools/plan-summary/markdown';
import { kindOf, managedChanges, parsePlan, type Plan, type ResourceChange } from '../../../tools/plan-summary/plan';
import { securityFindings } from '../../../tools/plan-summary/security';

const FIXTURES = join(__dirname, 'fixtures');
const load = (kind: string): Plan => parsePlan(readFileSync(join(FIXTURES, kind, 'image-processor-dev.json'), 'utf8'), kind);
const usage = loadMeasuredUsage();

function summary(kind: string): string {
  const plan = load(kind);
  return renderPlanSummary([{ stack: 'image-processor-dev', plan, cost: costDelta(managedChanges(plan), usage, 1e6) }], { imagesPerMonth: 1e6, costBasis: 'the test' });
}

const resourceChange = (type: string, actions: string[], before: Record<string, unknown> | null, after: Record<string, unknown> | null): ResourceChange => ({
  address: `${type}.x`,
  type,
  name: 'x',
  change: { actions, before, after },
});

describe('the plan summary of a first deploy (every resource created)', () => {
  const markdown = summary('create');

  it('starts with the sticky-comment marker and counts creates', () => {
    expect(markdown.startsWith(`${COMMENT_MARKER}\n## Terraform plan\n`)).toBe(true);
    const creates = managedChanges(load('create')).length;
    expect(markdown).toContain(`| \`image-processor-dev\` | ${creates} | 0 | 0 | 0 |`);
    expect(markdown).toContain('### Destroys and replacements\n\nNone.');
  });

  it('lists new roles’ trust and new policies as security-relevant without calling them widened', () => {
    expect(markdown).toMatch(/`aws_iam_role\.functions_validate_role` \(create, `image-processor-dev`\): assume_role_policy: 1 statement \(Allow sts:AssumeRole to \{"Service":"lambda\.amazonaws\.com"\}\)/);
    expect(markdown).toContain('`aws_s3_bucket_policy.storage_raw_policy` (create, `image-processor-dev`): policy created, its text known after apply');
    expect(markdown).not.toContain('⚠️');
  });

  it('prices the stack from nothing to the cost model’s bill', () => {
    expect(markdown).toMatch(/\| `image-processor-dev` \| \$0 \| \$\d+ \| \+\$\d+ \| \+\$1\.00 \|/);
    expect(markdown).toMatch(/<details><summary>Full plan: \d+ resource changes<\/summary>/);
  });
});

describe('the plan summary of hand-edited changes', () => {
  const markdown = summary('changes');
  const section = (title: string) => markdown.slice(markdown.indexOf(`### ${title}`), markdown.indexOf('###', markdown.indexOf(`### ${title}`) + 4));

  it('counts updates, the replacement and the deletion, and lists destroys and replacements first', () => {
    expect(markdown).toContain('| `image-processor-dev` | 0 | 4 | 1 | 1 |');
    expect(section('Destroys and replacements').split('\n').filter((line) => line.startsWith('- '))).toEqual([
      '- **delete** `aws_sqs_queue.functions_start_workflow_failures` in `image-processor-dev`',
      '- **replace** `aws_dynamodb_table.jobs_table` in `image-processor-dev` (forced by `name`)',
    ]);
  });

  it('flags the widened policy, the opened bucket and the encryption turned off', () => {
    const flagged = section('Security-relevant changes').split('\n').filter((line) => line.startsWith('- ⚠️'));
    expect(flagged).toHaveLength(3);
    expect(flagged.join('\n')).toContain('statement Everything added — WIDENED: adds action s3:*, resource *');
    expect(flagged.join('\n')).toContain('statement WorkArea changed — WIDENED: adds action s3:DeleteObject');
    expect(flagged.join('\n')).toContain('public access no longer blocked: restrict_public_buckets');
    expect(flagged.join('\n')).toContain('KMS encryption turned off (kms_master_key_id removed)');
  });

  it('shows the cost delta of the memory change and the full plan with changed attributes', () => {
    const delta = costDelta(managedChanges(load('changes')), usage, 1e6);
    const optimizeMs = usage.durationsMs.optimize!;
    expect(delta.after - delta.before).toBeCloseTo((1e6 * optimizeMs * (4096 - 3008) * 0.0000133334) / 1000 / 1024, 6);
    expect(markdown).toContain('- **update** `aws_lambda_function.functions_optimize_function`\n  - `memory_size`: `3008` → `4096`');
    expect(markdown).toContain('    - added statement `Everything`: Allow s3:* on *');
  });
});

describe('security findings', () => {
  it('flags a security group rule open to the internet and a deleted bucket encryption', () => {
    const findings = securityFindings([
      resourceChange('aws_vpc_security_group_ingress_rule', ['create'], null, { cidr_ipv4: '0.0.0.0/0', from_port: 22 }),
      resourceChange('aws_s3_bucket_server_side_encryption_configuration', ['delete'], { bucket: 'b' }, null),
      resourceChange('aws_kms_key', ['update'], { enable_key_rotation: true }, { enable_key_rotation: false }),
    ]);
    expect(findings.map((finding) => [finding.severe, finding.notes.join('; ')])).toEqual([
      [true, 'security group rule create — OPEN TO THE INTERNET'],
      [true, 'bucket default encryption removed'],
      [true, 'key rotation turned off'],
    ]);
  });

  it('does not flag a narrowed policy as widened', () => {
    const policy = (actions: string[]) => JSON.stringify({ Statement: [{ Sid: 'A', Effect: 'Allow', Action: actions, Resource: 'arn:aws:s3:::b/*' }] });
    const [finding] = securityFindings([resourceChange('aws_iam_role_policy', ['update'], { policy: policy(['s3:GetObject', 's3:PutObject']) }, { policy: policy(['s3:GetObject']) })]);
    expect(finding).toMatchObject({ severe: false, notes: ['policy: statement A changed: Allow s3:GetObject on arn:aws:s3:::b/*'] });
  });

  it('classifies actions as Terraform does', () => {
    expect(kindOf(resourceChange('t', ['create', 'delete'], {}, {}))).toBe('replace');
    expect(kindOf(resourceChange('t', ['no-op'], {}, {}))).toBe('no-op');
  });
});
