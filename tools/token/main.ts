/**
 * `npm run token -- create --owner <name> | revoke <token id> | list [--stage <stage>]`: the API's
 * bearer tokens in a stage's jobs table. `create` prints the new token once — only its hash is
 * stored — and its id; `list` shows ids, owners and dates; `revoke` ends a token (the API refuses
 * it within its token cache time). Credentials and endpoints come from the standard AWS chain.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isCodedError } from '../../handlers/core/errors';
import { OWNER_PATTERN, OWNER_RULE } from '../../handlers/core/upload-key';
import { DynamoTokenStore, newToken } from '../../handlers/adapters/token-store';
import { cdktfJsonContext } from '../../stacks/app';
import { ConfigError } from '../../stacks/config/errors';
import { resourceNames } from '../../stacks/config/names';
import { loadStageConfigs } from '../../stacks/config/resolve';
import { REPOSITORY_ROOT } from '../../stacks/packaging/artifacts';
import { parseArguments, runCommand, SystemError, UsageError, type Streams } from '../cli/command';

export const USAGE = 'Usage: npm run token -- create --owner <name> | revoke <token id> | list   [--stage <stage>]';

export async function tokenCommand(argv: readonly string[], streams: Streams = process): Promise<void> {
  const { flags, options, positional } = parseArguments(argv, { options: ['owner', 'stage'] }, USAGE);
  if (flags.has('help')) {
    streams.stdout.write(`${USAGE}\n`);
    return;
  }
  const [verb, ...rest] = positional;
  const context = cdktfJsonContext(REPOSITORY_ROOT);
  const configs = loadStageConfigs({ context: { settings: context.settings, stages: context.stages } });
  const stage = options.get('stage') ?? configs[0]!.stage;
  const config = configs.find((candidate) => candidate.stage === stage);
  if (!config) throw new UsageError(`Expected --stage to be a configured stage (${configs.map((candidate) => candidate.stage).join(', ')}), but received ${JSON.stringify(stage)}.`);
  const client = new DynamoDBClient({ region: config.settings.region });
  const store = new DynamoTokenStore(client, resourceNames(config).jobsTable);
  try {
    if (verb === 'create' && rest.length === 0) {
      const owner = options.get('owner');
      if (!owner || !OWNER_PATTERN.test(owner)) throw new UsageError(`Expected --owner to be ${OWNER_RULE}, but received ${JSON.stringify(owner ?? '')}. ${USAGE}`);
      const token = newToken();
      const record = await store.create(token, owner, new Date());
      streams.stdout.write(`${token}\n`);
      streams.stderr.write(`Token ${record.tokenId} for ${owner} in ${config.stackName}: shown once, only its hash is stored. Send it as "Authorization: Bearer <token>".\n`);
    } else if (verb === 'list' && rest.length === 0) {
      const records = await store.list();
      streams.stdout.write(records.map((record) => `${record.tokenId}  ${record.owner}  created ${record.createdAt}${record.revokedAt ? `  revoked ${record.revokedAt}` : ''}\n`).join(''));
    } else if (verb === 'revoke' && rest.length === 1 && /^[0-9a-f]{16}$/.test(rest[0]!)) {
      if (!(await store.revoke(rest[0]!, new Date()))) throw new UsageError(`Expected a live token with id ${rest[0]} in ${config.stackName}, but there is none (npm run token -- list shows them).`);
      streams.stderr.write(`Revoked token ${rest[0]}.\n`);
    } else {
      throw new UsageError(`Expected create --owner <name>, list or revoke <16-hex-digit token id>, but received ${JSON.stringify(positional.join(' '))}. ${USAGE}`);
    }
  } catch (error) {
    if (isCodedError(error)) throw new SystemError(`The tokens in ${resourceNames(config).jobsTable} could not be reached: ${error.message}`);
    throw error;
  } finally {
    client.destroy();
  }
}

if (require.main === module) {
  void runCommand(() => tokenCommand(process.argv.slice(2)), { isUsage: (error) => error instanceof ConfigError }).then((code) => {
    process.exitCode = code;
  });
}
