import { describeStatement, diffStatements, policyStatements } from '../../../tools/review/policy';

const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('policy statements', () => {
  it('reads a policy document and nothing else', () => {
    expect(policyStatements(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }))).toHaveLength(1);
    expect(policyStatements('{"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}')).toHaveLength(1);
    expect(policyStatements('Statement of account')).toBeUndefined();
    expect(policyStatements(42)).toBeUndefined();
  });

  it('matches statements by Sid and reports additions, removals and changes', () => {
    const before = [
      { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      { Sid: 'Gone', Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:us-east-1:1:t' },
    ];
    const after = [
      { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::b/*' },
      { Sid: 'New', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:1:q' },
    ];
    expect(diffStatements(before, after).map(({ kind, label }) => `${kind} ${label}`)).toEqual(['changed Read', 'added New', 'removed Gone']);
  });

  it('does not count formatting as a change: a single value or a one-item list, key order, list order', () => {
    const before = [{ Effect: 'Allow', Resource: ['b', 'a'], Action: 's3:GetObject' }];
    const after = [{ Action: ['s3:GetObject'], Effect: 'Allow', Resource: ['a', 'b'] }];
    expect(diffStatements(before, after)).toEqual([]);
  });

  it('labels unnamed statements by what they do', () => {
    const [change] = diffStatements([], [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: '*' }]);
    expect(change).toMatchObject({ kind: 'added', label: 'statement 1 (Allow s3:GetObject, s3:PutObject, …)' });
  });

  it('describes a statement on one line', () => {
    expect(describeStatement({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::b'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } })).toBe(
      'Deny s3:* on arn:aws:s3:::b to "*" if {"Bool":{"aws:SecureTransport":"false"}}',
    );
  });
});
