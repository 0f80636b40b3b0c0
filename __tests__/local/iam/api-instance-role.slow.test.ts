/**
 * Issue 10, point 3: in `npm run serve` the API is held to the instance role the stack synthesizes
 * for its fleet, as each function is held to its own role: its calls are checked under the instance
 * profile, and a call that role does not grant is refused.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { createAwsClients } from '../../../handlers/adapters/clients';
import { runAsFunction } from '../../../local/invocation';
import { apiInstanceProfile } from '../../../local/resources';
import { startServe, type Serving } from '../../../local/serve';

let serving: Serving;
beforeAll(async () => {
  serving = await startServe({ port: 0 });
}, 60_000);
afterAll(async () => {
  await serving?.stop();
});

it('checks the API’s calls against the synthesized instance role', async () => {
  const response = await fetch(`${serving.url}/v1/uploads`, { headers: { authorization: `Bearer ${serving.token}` } });
  expect(response.status).toBe(200);

  const caller = serving.system.iam.callers().get('api');
  expect(caller?.roleName).toBe(`${serving.system.resources.stackName}-api`);
  const used = (serving.system.iam.allowedRequests().get('api') ?? []).map((request) => request.action);
  expect(used).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
  expect(serving.system.iam.denied()).toEqual([]);
});

it('refuses the API a call its instance role does not grant, as IAM does', async () => {
  const publish = new PublishCommand({ TopicArn: serving.system.environment.SUCCESS_TOPIC_ARN, Message: '{}' });
  const sent = runAsFunction(apiInstanceProfile(serving.system.resources.stackName), () => createAwsClients().sns.send(publish));
  await expect(sent).rejects.toMatchObject({ name: 'AuthorizationErrorException', message: expect.stringContaining('is not authorized to perform: sns:Publish') });
});
