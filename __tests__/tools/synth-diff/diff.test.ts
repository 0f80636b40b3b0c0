import { diffDocuments } from '../../../tools/synth-diff/diff';
import { renderSynthDiff } from '../../../tools/synth-diff/markdown';

const rolePolicy = (actions: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'WorkArea', Effect: 'Allow', Action: actions, Resource: 'arn:aws:s3:::p/_work/*' }] });

const before = {
  '//': { metadata: { version: '0.21.0' } },
  resource: {
    aws_lambda_function: { optimize: { memory_size: 3008, environment: { variables: { A: '1' } } } },
    aws_iam_role_policy: { optimize: { policy: rolePolicy(['s3:GetObject']) } },
    aws_sqs_queue: { old: { name: 'q' } },
  },
  output: { x: { value: 'a' } },
};
const after = {
  '//': { metadata: { version: '0.21.1' } },
  resource: {
    aws_lambda_function: { optimize: { memory_size: 4096, environment: { variables: { A: '1', B: '2' } } } },
    aws_iam_role_policy: { optimize: { policy: rolePolicy(['s3:GetObject', 's3:DeleteObject']) } },
    aws_s3_bucket: { new: { bucket: 'b' } },
  },
  output: { x: { value: 'a' } },
};

describe('synth diff', () => {
  const diff = diffDocuments('image-processor-dev', before, after);

  it('lists added, removed and changed addresses with their changed attributes, ignoring cdktf metadata', () => {
    expect(diff.kind).toBe('changed');
    expect(diff.changes.map(({ kind, address }) => `${kind} ${address}`)).toEqual([
      'changed aws_iam_role_policy.optimize',
      'changed aws_lambda_function.optimize',
      'added aws_s3_bucket.new',
      'removed aws_sqs_queue.old',
    ]);
    expect(diff.changes[1]!.attributes.map(({ path, before: was, after: now }) => [path, was, now])).toEqual([
      ['environment.variables.B', undefined, '2'],
      ['memory_size', 3008, 4096],
    ]);
  });

  it('diffs a policy attribute as statements', () => {
    expect(diff.changes[0]!.attributes).toEqual([expect.objectContaining({ path: 'policy', statements: [expect.objectContaining({ kind: 'changed', label: 'WorkArea' })] })]);
  });

  it('renders Markdown with removals first and the statement change spelled out', () => {
    const markdown = renderSynthDiff('main (abc)', [diff, diffDocuments('image-processor-prod', after, after)]);
    expect(markdown).toContain('## Synthesized Terraform: main (abc) → working tree');
    expect(markdown).toContain('1 added, 1 removed, 2 changed (4 addresses)');
    expect(markdown.indexOf('- - `aws_sqs_queue.old` removed')).toBeLessThan(markdown.indexOf('- + `aws_s3_bucket.new` added'));
    expect(markdown).toContain('changed statement `WorkArea`: Allow s3:GetObject, s3:DeleteObject on arn:aws:s3:::p/_work/* (was: Allow s3:GetObject on arn:aws:s3:::p/_work/*)');
    expect(markdown).toContain('### `image-processor-prod`\n\nNo change.');
  });

  it('says so when nothing changed, and marks stacks that appear or disappear', () => {
    expect(renderSynthDiff('HEAD', [diffDocuments('image-processor-dev', after, after)])).toContain('No stack changed (`image-processor-dev`).');
    expect(diffDocuments('image-processor-qa', undefined, after).kind).toBe('added');
    expect(diffDocuments('image-processor-qa', before, undefined).kind).toBe('removed');
  });
});
