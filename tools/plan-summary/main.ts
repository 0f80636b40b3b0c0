/**
 * `npm run plan-summary -- <plan.json>... [--images-per-month N] [--out comment.md]`: renders
 * `terraform show -json` plans (one per stack, named after their file: plans/image-processor-dev.json)
 * as one Markdown pull-request comment.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArguments, runCommand, UsageError } from '../cli/command';
import { DEFAULT_IMAGES_PER_MONTH } from '../cost/defaults';
import { PRICE_REGION, PRICES_AS_OF } from '../cost/prices';
import { loadMeasuredUsage } from '../cost/usage';
import { costDelta } from './cost-delta';
import { renderPlanSummary } from './markdown';
import { managedChanges, parsePlan } from './plan';

const USAGE = 'Usage: npm run plan-summary -- <plan.json>... [--images-per-month <n>] [--out comment.md]';

void runCommand(async () => {
  const { flags, options, positional } = parseArguments(process.argv.slice(2), { options: ['images-per-month', 'out'] }, USAGE);
  if (flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positional.length === 0) throw new UsageError(`Expected at least one plan JSON file, but received none. ${USAGE}`);
  const images = Number(options.get('images-per-month') ?? DEFAULT_IMAGES_PER_MONTH);
  if (!Number.isSafeInteger(images) || images < 1) throw new UsageError(`Expected --images-per-month to be a whole number of at least 1, but received ${JSON.stringify(options.get('images-per-month'))}.`);
  const usage = loadMeasuredUsage();
  const stacks = positional.map((file) => {
    if (!existsSync(file)) throw new UsageError(`Expected a plan JSON file at ${file}, but there is none.`);
    const plan = parsePlan(readFileSync(file, 'utf8'), file);
    return { stack: basename(file).replace(/(\.plan)?\.json$/, ''), plan, cost: costDelta(managedChanges(plan), usage, images) };
  });
  const markdown = renderPlanSummary(stacks, { imagesPerMonth: images, costBasis: `npm run cost's model: ${PRICE_REGION} list prices as of ${PRICES_AS_OF}, usage measured ${usage.measuredOn}` });
  const out = options.get('out');
  if (out) writeFileSync(out, markdown);
  process.stdout.write(markdown);
}).then((code) => {
  process.exitCode = code;
});
