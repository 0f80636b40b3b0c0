/**
 * `npm run check-workflows [-- <folder>]`: every file in .github/workflows (or the folder) parsed and checked against GitHub's
 * workflow schema with GitHub's own parser (@actions/workflow-parser), and every action pinned to
 * a version. Prints each problem; exits 1 when there is one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../stacks/packaging/artifacts';

export async function workflowProblems(directory = join(REPOSITORY_ROOT, '.github', 'workflows')): Promise<string[]> {
  // ESM only, with an `import` condition alone, which `import()` honours from CommonJS too.
  const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser');
  const problems: string[] = [];
  const files = readdirSync(directory).filter((name) => /\.ya?ml$/.test(name)).sort();
  if (files.length === 0) problems.push(`Expected workflows in ${directory}, but there are none.`);
  for (const name of files) {
    const content = readFileSync(join(directory, name), 'utf8');
    const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
    problems.push(...parsed.context.errors.getErrors().map((error) => error.message));
    if (parsed.value && parsed.context.errors.getErrors().length === 0) {
      const template = await convertWorkflowTemplate(parsed.context, parsed.value);
      problems.push(...(template.errors ?? []).map((error) => error.Message));
    }
    for (const [index, line] of content.split('\n').entries()) {
      const uses = /^\s*-?\s*uses:\s*(\S+)/.exec(line)?.[1];
      if (uses && !uses.startsWith('./') && !/@[\w.-]+$/.test(uses)) problems.push(`${name} (Line: ${index + 1}): expected ${uses} to be pinned to a version (owner/action@v1 or @<sha>).`);
    }
  }
  return problems;
}

if (process.argv[1]?.endsWith('validate.ts')) {
  void workflowProblems(process.argv[2]).then((problems) => {
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    if (problems.length === 0) process.stdout.write('Every workflow is valid.\n');
    process.exitCode = problems.length === 0 ? 0 : 1;
  });
}
