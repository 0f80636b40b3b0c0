/**
 * `npm run reprocess -- --album <album> --owner <owner> [--preset <file.json>] [--stage <stage>]`:
 * enqueues one `reprocess` message per upload of an owner's album on the stage's reprocess.fifo,
 * oldest upload first, all in the album's FIFO group, so the worker reprocesses the album in
 * upload order. Each message names the upload's latest SUCCEEDED job and one batch id; uploads
 * without one are listed and skipped (handlers/steps/enqueue-reprocess.ts, which the API's
 * `POST /v1/albums/{album}/reprocess` runs too). Credentials and endpoints come from the standard AWS chain.
 */
import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { isCodedError } from '../../handlers/core/errors';
import { parsePreset } from '../../handlers/core/preset';
import { ALBUM_PATTERN, ALBUM_RULE, OWNER_PATTERN, OWNER_RULE } from '../../handlers/core/upload-key';
import { DynamoUploadStore } from '../../handlers/adapters/upload-store';
import { SqsWorkQueue } from '../../handlers/adapters/work-queue';
import { enqueueAlbumReprocess } from '../../handlers/steps/enqueue-reprocess';
import { cdktfJsonContext } from '../../stacks/app';
import { ConfigError } from '../../stacks/config/errors';
import { resourceNames } from '../../stacks/config/names';
import { loadStageConfigs } from '../../stacks/config/resolve';
import { REPOSITORY_ROOT } from '../../stacks/packaging/artifacts';
import { parseArguments, runCommand, SystemError, UsageError, type Streams } from '../cli/command';

export const USAGE = 'Usage: npm run reprocess -- --album <album> --owner <owner> [--preset <file.json>] [--stage <stage>]';

export async function reprocessCommand(argv: readonly string[], streams: Streams = process): Promise<void> {
  const { flags, options, positional } = parseArguments(argv, { options: ['album', 'owner', 'preset', 'stage'] }, USAGE);
  if (flags.has('help')) {
    streams.stdout.write(`${USAGE}\n`);
    return;
  }
  const owner = options.get('owner') ?? '';
  const album = options.get('album') ?? '';
  if (positional.length > 0) throw new UsageError(`Expected only options, but received ${JSON.stringify(positional.join(' '))}. ${USAGE}`);
  if (!OWNER_PATTERN.test(owner)) throw new UsageError(`Expected --owner to be ${OWNER_RULE}, but received ${JSON.stringify(owner)}. ${USAGE}`);
  if (!ALBUM_PATTERN.test(album)) throw new UsageError(`Expected --album to be ${ALBUM_RULE}, but received ${JSON.stringify(album)}. ${USAGE}`);
  const preset = await presetOption(options.get('preset'));
  const configs = loadStageConfigs({ context: cdktfJsonContext(REPOSITORY_ROOT) });
  const stage = options.get('stage') ?? configs[0]!.stage;
  const config = configs.find((candidate) => candidate.stage === stage);
  if (!config) throw new UsageError(`Expected --stage to be a configured stage (${configs.map((candidate) => candidate.stage).join(', ')}), but received ${JSON.stringify(stage)}.`);

  const names = resourceNames(config);
  const dynamodb = new DynamoDBClient({ region: config.settings.region });
  const sqs = new SQSClient({ region: config.settings.region });
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.queue('reprocess') }));
    const batch = await enqueueAlbumReprocess(
      { owner, album, ...(preset === undefined ? {} : { preset }) },
      { uploads: new DynamoUploadStore(dynamodb, names.jobsTable, { ttlDays: config.settings.jobTtlDays }), queue: new SqsWorkQueue(sqs, QueueUrl!) },
    );
    for (const upload of batch.skipped) streams.stderr.write(`Skipped ${upload.fileName} (${upload.uploadId}): ${upload.reason}.\n`);
    streams.stdout.write(`${batch.batchId}\n`);
    streams.stderr.write(`Batch ${batch.batchId}: ${batch.count} upload(s) of ${owner}/${album} queued for reprocessing in upload order on ${names.queue('reprocess')}; ${batch.skipped.length} skipped.\n`);
  } catch (error) {
    if (isCodedError(error)) throw new SystemError(`The album ${owner}/${album} could not be queued for reprocessing from ${names.jobsTable} to ${names.queue('reprocess')}: ${error.message}`);
    if (error instanceof Error && error.name === 'QueueDoesNotExist') throw new SystemError(`Expected the queue ${names.queue('reprocess')} in ${config.settings.region}, but it does not exist (is the stage deployed?).`);
    throw error;
  } finally {
    dynamodb.destroy();
    sqs.destroy();
  }
}

/** The preset file's JSON, checked with the worker's own parser, or undefined for the configured preset. */
async function presetOption(path: string | undefined): Promise<unknown> {
  if (path === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Expected --preset to name a readable JSON file, but ${path} gave: ${(error as Error).message}`);
  }
  try {
    parsePreset(json);
  } catch (error) {
    if (isCodedError(error)) throw new UsageError(`Expected --preset to hold a valid preset, but ${path} does not: ${error.message}`);
    throw error;
  }
  return json;
}

if (require.main === module) {
  void runCommand(() => reprocessCommand(process.argv.slice(2)), { isUsage: (error) => error instanceof ConfigError }).then((code) => {
    process.exitCode = code;
  });
}
