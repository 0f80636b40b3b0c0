/**
 * The cdktf app's entry point: `npm run synth [-- --hcl]` (or `cdktf synth`, which runs this file
 * through cdktf.json's `app`). Everything it builds is in stacks/; a configuration problem exits 2,
 * a failed build (such as a sharp layer that cannot be fetched) exits 1, each with its sentences.
 */
import { synth } from './stacks/app';
import { ConfigError } from './stacks/config/errors';
import { parseArguments, runCommand } from './tools/cli/command';

const USAGE = 'Usage: npm run synth [-- --hcl]';

const HELP = `${USAGE}

Synthesizes one Terraform configuration per configured stage into cdktf.out/stacks/<stack>/:
cdk.tf.json by default, or main.tf (HCL, for plain Terraform without cdktf) with --hcl.
Folders of stacks no longer configured are removed.

Settings come from cdktf.json's context and IMAGE_PROCESSOR_* variables; the state backend from
TF_STATE_* / TF_CLOUD_* / TF_BACKEND_CONFIG_FILE (docs/deploying.md).
`;

const started = Date.now();
void runCommand(
  async () => {
    const { flags } = parseArguments(process.argv.slice(2), { flags: ['hcl'] }, USAGE);
    if (flags.has('help')) {
      process.stdout.write(HELP);
      return;
    }
    const app = await synth({ hcl: flags.has('hcl') });
    const stacks = app.node.children.map((child) => child.node.id).join(', ');
    const format = app.hclOutput ? 'HCL (main.tf)' : 'JSON (cdk.tf.json)';
    process.stdout.write(`Synthesized ${stacks} as ${format} into ${app.outdir}/stacks in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  },
  { isUsage: (error) => error instanceof ConfigError },
).then((code) => {
  process.exitCode = code;
});
