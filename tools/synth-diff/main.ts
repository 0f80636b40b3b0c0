/**
 * `npm run synth-diff -- --base <git-ref> [--out diff.md]`: synthesizes the base in a temporary
 * worktree and the working tree, and prints the resource-level difference as Markdown. It needs
 * no cloud credentials and no Terraform, so it runs on pull requests from forks.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../stacks/config/errors';
import { REPOSITORY_ROOT } from '../../stacks/packaging/artifacts';
import { parseArguments, runCommand, UsageError } from '../cli/command';
import { diffDocuments, type StackDiff, type TerraformDocument } from './diff';
import { renderSynthDiff } from './markdown';
import { resolveCommit, synthesizeWorkingTree, withSynthesizedCommit } from './synthesize';

const USAGE = 'Usage: npm run synth-diff -- --base <git-ref> [--out diff.md]';

function readStacks(outdir: string): Map<string, TerraformDocument> {
  const stacks = new Map<string, TerraformDocument>();
  const folder = join(outdir, 'stacks');
  for (const name of existsSync(folder) ? readdirSync(folder).sort() : []) {
    const file = join(folder, name, 'cdk.tf.json');
    if (existsSync(file)) stacks.set(name, JSON.parse(readFileSync(file, 'utf8')) as TerraformDocument);
  }
  return stacks;
}

void runCommand(
  async () => {
    const { flags, options } = parseArguments(process.argv.slice(2), { options: ['base', 'out'] }, USAGE);
    if (flags.has('help')) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    const base = options.get('base');
    if (!base) throw new UsageError(`Expected --base <git-ref>, but received none. ${USAGE}`);
    const commit = await resolveCommit(REPOSITORY_ROOT, base);
    const after = readStacks(await synthesizeWorkingTree(REPOSITORY_ROOT, process.env));
    const before = await withSynthesizedCommit(REPOSITORY_ROOT, commit, process.env, async (outdir) => readStacks(outdir));
    const names = [...new Set([...before.keys(), ...after.keys()])].sort();
    const diffs: StackDiff[] = names.map((name) => diffDocuments(name, before.get(name), after.get(name)));
    const markdown = renderSynthDiff(`${base} (${commit.slice(0, 12)})`, diffs);
    const out = options.get('out');
    if (out) writeFileSync(out, markdown);
    process.stdout.write(markdown);
  },
  { isUsage: (error) => error instanceof ConfigError },
).then((code) => {
  process.exitCode = code;
});
