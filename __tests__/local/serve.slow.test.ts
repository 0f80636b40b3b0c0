import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createAwsClients } from '../../handlers/adapters/clients';
import { runAsFunction } from '../../local/invocation';
import { apiInstanceProfile } from '../../local/resources';
import { startServe, type Serving } from '../../local/serve';

const run = promisify(execFile);
const SAMPLE = join(__dirname, '..', '..', 'samples', 'landscape.jpg');
const AWS_CLI_ENV = { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };

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

/** Copies the sample under `key` with the AWS CLI and waits for its job to succeed; its job id. */
async function copyAndProcess(key: string): Promise<string> {
  await run('aws', ['s3', 'cp', SAMPLE, `s3://${serving.rawBucket}/${key}`, '--endpoint-url', serving.s3Endpoint], { env: AWS_CLI_ENV });
  const execution = await waitFor(async () => serving.system.executionFor({ bucket: serving.rawBucket, key }), 'an execution for the copied object');
  const job = await waitFor(async () => {
    const record = await serving.system.readJob(execution.name);
    return record?.status === 'SUCCEEDED' || record?.status === 'FAILED' ? record : undefined;
  }, 'the job to end');
  expect(job.status).toBe('SUCCEEDED');
  return execution.name;
}

async function callApi(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${serving.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${serving.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

describe('npm run serve', () => {
  it('starts the workflow for an object the AWS CLI copies under the uploads prefix', async () => {
    const key = `${serving.uploadsPrefix}by-hand/landscape.jpg`;
    const jobId = await copyAndProcess(key);
    expect(await serving.system.processedKeys(`${jobId}/`)).toHaveLength(7);
    const listed = await run('aws', ['s3', 'ls', `s3://${serving.processedBucket}/${jobId}/`, '--endpoint-url', serving.s3Endpoint], { env: AWS_CLI_ENV });
    expect(listed.stdout).toContain('thumb.webp');
  });

  it('reprocesses an album through the API: the in-process worker takes the batch and writes the new preset’s outputs', async () => {
    const created = await callApi('POST', '/v1/uploads', { fileName: 'landscape.jpg', contentType: 'image/jpeg', bytes: 1000, album: 'Local album' });
    expect(created.status).toBe(201);
    const jobId = await copyAndProcess(created.json.upload.fields.key);
    const preset = { name: 'tiny', renditions: [{ name: 'tiny', width: 64 }], formats: [{ format: 'webp', quality: 60 }] };
    const response = await callApi('POST', `/v1/albums/${encodeURIComponent('Local album')}/reprocess`, { preset });
    expect(response).toEqual({ status: 202, json: { batchId: expect.any(String), count: 1 } });
    await waitFor(async () => ((await serving.system.readJob(jobId))?.reprocessBatches?.includes(response.json.batchId) ? true : undefined), 'the worker to record the batch on the job');
    const job = await serving.system.readJob(jobId);
    expect(job?.status).toBe('SUCCEEDED');
    expect(job?.outputs?.map((output) => [output.name, output.width])).toEqual([['tiny.webp', 64]]);
    // The default preset's seven outputs are gone: only the new preset's remain.
    expect(await serving.system.processedKeys(`${jobId}/`)).toEqual([`${jobId}/tiny.webp`]);
    // The API sent it as its instance role allows: one SendMessage on the reprocess queue, nothing denied.
    const sends = (serving.system.iam.allowedRequests().get('api') ?? []).filter((request) => request.action === 'sqs:SendMessage');
    expect(new Set(sends.map((request) => request.resource.split(':').pop()))).toEqual(new Set([serving.system.queues.reprocess.split('/').pop()]));
    expect(serving.system.iam.denied()).toEqual([]);
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

  it('refuses the API a send to the heavy queue: its role enqueues on the reprocess queue only', async () => {
    const send = new SendMessageCommand({ QueueUrl: serving.system.queues.heavy, MessageBody: '{}', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
    const sent = runAsFunction(apiInstanceProfile(serving.system.resources.stackName), () => createAwsClients().sqs.send(send));
    await expect(sent).rejects.toMatchObject({ name: 'AccessDenied', message: expect.stringContaining('is not authorized to perform: sqs:SendMessage') });
  });
});
