/**
 * `npm run cost -- [--stage prod] [--images-per-month N] [--json]`: the monthly bill of a stage
 * from its synthesized resources and the measured per-image usage. `--measure` measures the usage
 * again on the bundled samples (tools/cost/measure.ts) and rewrites measured-usage.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { synth } from '../../stacks/app';
import { ConfigError } from '../../stacks/config/errors';
import { REPOSITORY_ROOT } from '../../stacks/packaging/artifacts';
import { parseArguments, runCommand, UsageError } from '../cli/command';
import { DEFAULT_IMAGES_PER_MONTH } from './defaults';
import { describeDeployment, resourcesOfConfiguration } from './deployment';
import { MEASURED_USAGE_FILE, measureUsage, writeMeasuredUsage } from './measure';
import { monthlyBill } from './model';
import { billJson, billText } from './render';
import { loadMeasuredUsage } from './usage';

const USAGE = 'Usage: npm run cost -- [--stage <stage>] [--images-per-month <n>] [--json] | --measure';

void runCommand(
  async () => {
    const { flags, options } = parseArguments(process.argv.slice(2), { flags: ['json', 'measure'], options: ['stage', 'images-per-month'] }, USAGE);
    if (flags.has('help')) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    if (flags.has('measure')) {
      const usage = await measureUsage();
      writeMeasuredUsage(usage);
      process.stdout.write(`Wrote ${MEASURED_USAGE_FILE}:\n${JSON.stringify(usage, null, 2)}\n`);
      return;
    }
    const images = options.get('images-per-month') ?? String(DEFAULT_IMAGES_PER_MONTH);
    if (!/^\d+$/.test(images.replaceAll('_', '')) || Number(images.replaceAll('_', '')) < 1) {
      throw new UsageError(`Expected --images-per-month to be a whole number of at least 1, but received ${JSON.stringify(images)}. ${USAGE}`);
    }
    const app = await synth({ outdir: join(REPOSITORY_ROOT, '.build', 'cost') });
    const stacks = app.node.children.map((child) => child.node.id);
    const stage = options.get('stage') ?? stacks[0]!.replace(/^image-processor-/, '');
    const stack = `image-processor-${stage}`;
    if (!stacks.includes(stack)) throw new UsageError(`Expected --stage to be a configured stage (${stacks.map((name) => name.replace(/^image-processor-/, '')).join(', ')}), but received ${JSON.stringify(stage)}.`);
    const document = JSON.parse(readFileSync(join(app.outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as Parameters<typeof resourcesOfConfiguration>[0];
    const usage = loadMeasuredUsage();
    const bill = monthlyBill(describeDeployment(resourcesOfConfiguration(document)), usage, Number(images.replaceAll('_', '')));
    process.stdout.write(flags.has('json') ? `${JSON.stringify(billJson(stage, bill), null, 2)}\n` : billText(stage, bill, usage));
  },
  { isUsage: (error) => error instanceof ConfigError },
).then((code) => {
  process.exitCode = code;
});
