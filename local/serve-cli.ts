/**
 * `npm run serve -- [--port 8080] [--host 127.0.0.1]`: the whole system on this machine until
 * Ctrl-C, with the API and its gallery page. Prints the URL, a development token (fixed by
 * IMAGE_PROCESSOR_LOCAL_API_TOKEN), the S3 endpoint and the buckets. Exit 0 after Ctrl-C, 1 when
 * the system cannot start, 2 for a bad argument or setting.
 */
import { EXIT_SYSTEM_FAILED, EXIT_USER_MISTAKE } from './exit-codes';
import { parseCommandLine } from './cli-options';
import { LocalSystemError } from './local-system-error';
import { startServe, TOKEN_VARIABLE } from './serve';
import { UserError } from './user-error';

const HELP = `Usage: npm run serve -- [--port <port>] [--host <address>]

Runs the whole system on this machine until Ctrl-C: S3, SQS and SNS (fauxqs) and DynamoDB
(dynalite) in-process, the real state machine, the reconciler, and the API with its gallery page.
Any S3 client that puts an object under the raw bucket's uploads prefix starts the workflow.

Options:
  --port <port>      the API's port (default 8080; 0 picks a free one)
  --host <address>   the address it listens on (default 127.0.0.1)
  -h, --help         show this help

${TOKEN_VARIABLE} fixes the development token (otherwise a new one each start).`;

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UserError(`Expected --port to be a TCP port from 0 to 65535, but received "${text}".`);
  return port;
}

async function main(argv: readonly string[]): Promise<number> {
  let port: number;
  let host: string;
  try {
    const { values, positionals } = parseCommandLine(argv, { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (positionals.length > 0) throw new UserError(`Expected no arguments besides --port and --host, but received "${positionals.join(' ')}".`);
    port = parsePort(values.port ?? '8080');
    host = values.host ?? '127.0.0.1';
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    process.stderr.write(`${error.message}\n\nRun npm run serve -- --help for the options.\n`);
    return EXIT_USER_MISTAKE;
  }
  const token = process.env[TOKEN_VARIABLE] || undefined;
  let serving;
  try {
    serving = await startServe({ host, port, ...(token ? { token } : {}) });
  } catch (error) {
    if (error instanceof UserError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT_USER_MISTAKE;
    }
    const reason = error instanceof LocalSystemError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`serve: the system could not start — ${reason}\n`);
    return EXIT_SYSTEM_FAILED;
  }
  process.stdout.write(
    [
      `Gallery and API:  ${serving.url}/`,
      `API token:        ${serving.token}`,
      `S3 endpoint:      ${serving.s3Endpoint}   (credentials: AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1)`,
      `Raw bucket:       ${serving.rawBucket}   (uploads under ${serving.uploadsPrefix} start the workflow)`,
      `Processed bucket: ${serving.processedBucket}`,
      `Try:              aws s3 cp photo.jpg s3://${serving.rawBucket}/${serving.uploadsPrefix}photo.jpg --endpoint-url ${serving.s3Endpoint}`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  process.stderr.write('Stopping: finishing requests and executions in flight…\n');
  await serving.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`serve: the system failed — ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
