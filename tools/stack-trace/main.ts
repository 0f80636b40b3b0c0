/**
 * `npm run stack-trace -- <function> [<file>]`: a stack trace copied from a function's logs (from
 * the file, or standard input), with every frame in the bundle (`/var/task/index.js:1:52310`)
 * shown as its source position. The source maps do not ship in the zips; this builds them (or
 * reuses `.build/functions/`) from the checkout, so run it at the commit that was deployed: it
 * prints the zip's CodeSha256 to compare with the deployed function's.
 */
import { readFileSync } from 'node:fs';
import type { SourceMapPayload } from 'node:module';
import { FUNCTIONS, type FunctionName } from '../../handlers/runtime/manifest';
import { functionArtifacts } from '../../stacks/packaging/artifacts';
import { parseArguments, runCommand, UsageError } from '../cli/command';
import { mapTrace } from './map-trace';

const USAGE = `Usage: npm run stack-trace -- <function> [<file>]   (function: ${FUNCTIONS.join(', ')}; the trace is read from standard input without a file)`;

function readTrace(file: string | undefined): string {
  try {
    return readFileSync(file ?? 0, 'utf8');
  } catch (error) {
    throw new UsageError(`Expected a readable file with the stack trace, but ${file} could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

void runCommand(async () => {
  const { flags, positional } = parseArguments(process.argv.slice(2), {}, USAGE);
  if (flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const [name, file, ...rest] = positional;
  if (!name || !(FUNCTIONS as readonly string[]).includes(name) || rest.length > 0) {
    throw new UsageError(`Expected a function name and at most one file, but received ${JSON.stringify(positional)}. ${USAGE}`);
  }
  const trace = readTrace(file);
  const artifact = (await functionArtifacts())[name as FunctionName];
  const { text, mapped } = mapTrace(trace, JSON.parse(readFileSync(artifact.sourceMapPath, 'utf8')) as SourceMapPayload);
  process.stdout.write(text);
  process.stderr.write(
    `${mapped} frame${mapped === 1 ? '' : 's'} mapped with ${artifact.sourceMapPath}, the map of the zip whose CodeSha256 is ${artifact.sha256Base64}; it must equal the deployed function's (aws lambda get-function-configuration --function-name <name> --query CodeSha256).\n`,
  );
}).then((code) => {
  process.exitCode = code;
});
