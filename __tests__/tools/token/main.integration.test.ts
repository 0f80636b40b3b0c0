import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { jobsTableDefinition } from '../../../handlers/adapters/job-table';
import { DynamoTokenStore, hashToken } from '../../../handlers/adapters/token-store';
import { UsageError } from '../../../tools/cli/command';
import { tokenCommand } from '../../../tools/token/main';
import { useEmulators } from '../../support/emulators';

useEmulators();
const TABLE = 'image-processor-dev-jobs';

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, streams: { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } } };
}

let client: DynamoDBClient;
beforeAll(async () => {
  client = new DynamoDBClient({});
  await client.send(new CreateTableCommand(jobsTableDefinition(TABLE)));
});
afterAll(() => client.destroy());

describe('npm run token', () => {
  it('creates a token shown once and stores only its hash; lists and revokes it', async () => {
    const created = capture();
    await tokenCommand(['create', '--owner', 'alice', '--stage', 'dev'], created.streams);
    const token = created.out.stdout.trim();
    expect(token).toMatch(/^ipt_[A-Za-z0-9_-]{43}$/);
    const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: { jobId: { S: `token#${hashToken(token)}` } } }));
    expect(JSON.stringify(Item)).not.toContain(token);
    expect(await new DynamoTokenStore(client, TABLE).ownerOf(token)).toBe('alice');

    const listed = capture();
    await tokenCommand(['list'], listed.streams);
    const id = hashToken(token).slice(0, 16);
    expect(listed.out.stdout).toMatch(new RegExp(`^${id}  alice  created \\S+\\n`, 'm'));

    await tokenCommand(['revoke', id], capture().streams);
    expect(await new DynamoTokenStore(client, TABLE).ownerOf(token)).toBeUndefined();
    const after = capture();
    await tokenCommand(['list'], after.streams);
    expect(after.out.stdout).toMatch(new RegExp(`^${id}  alice  created \\S+  revoked \\S+\\n`, 'm'));
    await expect(tokenCommand(['revoke', id], capture().streams)).rejects.toThrow(UsageError);
  });

  it.each([
    [['create', '--owner', 'Not Valid']],
    [['create']],
    [['revoke', 'xyz']],
    [['frobnicate']],
    [['list', '--stage', 'nope']],
  ])('refuses %j as a usage error', async (argv) => {
    await expect(tokenCommand(argv, capture().streams)).rejects.toThrow(UsageError);
  });
});
