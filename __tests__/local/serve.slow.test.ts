import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PublishCommand } from '@aws-sdk/client-sns';
import { createAwsClients } from '../../handlers/adapters/clients';
import { runAsFunction } from '../../local/invocation';
import { apiInstanceProfile } from '../../local/resources';
import { startServe, type Serving } from '../../local/serve';

const run = promisify(execFile);
const SAMPLE = join(__dirname, '..', '..', 'samples', 'landscape.jpg');

let serving: Serving;
beforeAll(async () => {
  serving = await startServe({ port: 0 });
}, 60_000);
afterAll(async () => {
  await serving?.stop();
});

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Expected ${what} within ${timeoutMs} ms, but it did not happen.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('npm run serve', () => {
  it('starts the workflow for an object the AWS CLI copies under the uploads prefix', async () => {
    const key = `${serving.uploadsPrefix}by-hand/landscape.jpg`;
    await run('aws', ['s3', 'cp', SAMPLE, `s3://${serving.rawBucket}/${key}`, '--endpoint-url', serving.s3Endpoint], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
    });
    const execution = await waitFor(async () => serving.system.executionFor({ bucket: serving.rawBucket, key }), 'an execution for the copied object');
    const jobId = execution.name;
    const job = await waitFor(async () => {
      const record = await serving.system.readJob(jobId);
      return record?.status === 'SUCCEEDED' || record?.status === 'FAILED' ? record : undefined;
    }, 'the job to end');
    expect(job.status).toBe('SUCCEEDED');
    expect(await serving.system.processedKeys(`${jobId}/`)).toHaveLength(7);
    const listed = await run('aws', ['s3', 'ls', `s3://${serving.processedBucket}/${jobId}/`, '--endpoint-url', serving.s3Endpoint], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(listed.stdout).toContain('thumb.webp');
  });

  it('admits the gallery’s origin, and only it, to the raw bucket’s CORS', async () => {
    const bucketUrl = `http://127.0.0.1:${new URL(serving.s3Endpoint).port}/${serving.rawBucket}`;
    const preflight = (origin: string) =>
      fetch(bucketUrl, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const allowed = await preflight(new URL(serving.url).origin);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(new URL(serving.url).origin);
    const other = await preflight('http://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the gallery page and /healthz', async () => {
    const page = await fetch(`${serving.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/gallery.js" defer></script>');
    expect(await (await fetch(`${serving.url}/healthz`)).json()).toEqual({ status: 'ok' });
  });
});

// Issue 10, point 3: the API is held to the instance role the stack synthesizes for its fleet, as
// each function is held to its own role.
describe('npm run serve’s IAM check of the API', () => {
  it('checks the API’s calls against the synthesized instance role', async () => {
    const response = await fetch(`${serving.url}/v1/uploads`, { headers: { authorization: `Bearer ${serving.token}` } });
    expect(response.status).toBe(200);
    expect(serving.system.iam.callers().get('api')?.roleName).toBe(`${serving.system.resources.stackName}-api`);
    const used = (serving.system.iam.allowedRequests().get('api') ?? []).map((request) => request.action);
    expect(used).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    expect(serving.system.iam.denied()).toEqual([]);
  });

  it('refuses the API a call its instance role does not grant, as IAM does', async () => {
    const publish = new PublishCommand({ TopicArn: serving.system.environment.SUCCESS_TOPIC_ARN, Message: '{}' });
    const sent = runAsFunction(apiInstanceProfile(serving.system.resources.stackName), () => createAwsClients().sns.send(publish));
    await expect(sent).rejects.toMatchObject({ name: 'AuthorizationErrorException', message: expect.stringContaining('is not authorized to perform: sns:Publish') });
  });
});
