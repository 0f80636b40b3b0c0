/**
 * The cdktf app's entry point: `npm run synth` (or `cdktf synth`, which runs this file through
 * cdktf.json's `app`). Everything it builds is in stacks/.
 */
import { synth } from './stacks/app';
import { ConfigError } from './stacks/config/errors';

const started = Date.now();
synth().then(
  (app) => {
    const stacks = app.node.children.map((child) => child.node.id).join(', ');
    process.stdout.write(`Synthesized ${stacks} into ${app.outdir}/stacks in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
