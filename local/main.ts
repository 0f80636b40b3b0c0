/**
 * `npm start` — the whole pipeline on this machine (see local/cli.ts for the options, docs/local.md
 * for how it works). Exit 0 when every input reached SUCCEEDED or FAILED; 1 when the system failed.
 */
import { main } from './cli';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`local: the system failed — unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
