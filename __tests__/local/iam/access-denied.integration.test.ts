/**
 * Enforcement on a real run: the validate function's synthesized policy without its s3:GetObject
 * statement fails the job in ValidateImage with AccessDenied named in its sentence, and the run
 * reports the denied call; with the synthesized policies, the same photo succeeds.
 */
import { LOCAL_ACCOUNT_ID } from '../../../local/lambda-context';
import { LOCAL_REGION } from '../../../local/emulators';
import { loadStackModel } from '../../../local/iam/cache';
import { localStageConfig } from '../../../local/resources';
import { photoLikeJpeg } from '../../fixtures/images';
import { startHarness, type Harness } from '../harness';


interface Statement {
  readonly Action: string | string[];
}

/** The validate function's policy as the stack synthesizes it (Terraform references included), less every statement granting s3:GetObject. */
async function validateWithoutGetObject() {
  const model = await loadStackModel(localStageConfig(), { account: LOCAL_ACCOUNT_ID, region: LOCAL_REGION });
  const policy = JSON.parse(model.functions['image-processor-local-validate']!.policy) as { Statement: Statement[] };
  const kept = policy.Statement.filter((statement) => ![statement.Action].flat().includes('s3:GetObject'));
  expect(kept).toHaveLength(policy.Statement.length - 1);
  return { ...policy, Statement: kept };
}

let denying: Harness;
let synthesized: Harness | undefined;
afterAll(async () => {
  await denying?.stop();
  await synthesized?.stop();
});

it('fails the job in ValidateImage with AccessDenied in its sentence, and reports the denied call', async () => {
  denying = await startHarness({ policies: { validate: await validateWithoutGetObject() } });
  const result = await denying.run({ 'photo.jpg': await photoLikeJpeg(160, 120) });
  const { trace, report } = result.job('photo.jpg');
  const rawKey = trace.source.key;
  expect(result.problems).toEqual([]);
  expect(report.status).toBe('FAILED');
  expect(report.error?.code).toBe('INTERNAL');
  expect(report.error?.message).toBe(
    `Expected S3 GetObject to be allowed by the function's IAM policy, but it was denied (AccessDenied: User: arn:aws:sts::000000000000:assumed-role/image-processor-local-validate/image-processor-local-validate is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::${denying.system.resources.rawBucket}/${rawKey} because no identity-based policy allows the s3:GetObject action).`,
  );
  expect(report.states.map((state) => [state.name, state.error])).toEqual([
    ['ValidateImage', 'INTERNAL'],
    ['NotifyError', undefined],
  ]);
  expect(trace.notifications.map((notification) => notification.topic)).toEqual(['error']);
  expect(result.report.denied).toEqual([{ function: 'validate', action: 's3:GetObject', resource: `arn:aws:s3:::${denying.system.resources.rawBucket}/${rawKey}`, calls: 1 }]);
  await denying.stop();
});

it('succeeds with the synthesized policies, denying nothing', async () => {
  synthesized = await startHarness();
  const result = await synthesized.run({ 'photo.jpg': await photoLikeJpeg(160, 120) });
  expect(result.job('photo.jpg').report.status).toBe('SUCCEEDED');
  expect(result.report.denied).toEqual([]);
});
