/** `npm run plan|diff|deploy|destroy -- <stack>` (tools/terraform/workflow.ts) and `npm run lock` (tools/terraform/lock.ts). */
import { ConfigError } from '../../stacks/config/errors';
import { runCommand, UsageError } from '../cli/command';
import { writeProviderLock } from './lock';
import { runWorkflow, WORKFLOW_COMMANDS, type WorkflowCommand } from './workflow';

const [command, ...argv] = process.argv.slice(2);
void runCommand(
  async () => {
    if (command === 'lock') {
      if (argv.length > 0) throw new UsageError(`Expected no arguments to npm run lock, but received ${argv.join(' ')}.`);
      process.stdout.write(`Wrote ${await writeProviderLock()}: commit it.\n`);
      return;
    }
    if (!WORKFLOW_COMMANDS.includes(command as WorkflowCommand)) {
      throw new UsageError(`Expected a command (${[...WORKFLOW_COMMANDS, 'lock'].join(', ')}), but received ${JSON.stringify(command ?? '')}.`);
    }
    await runWorkflow(command as WorkflowCommand, argv);
  },
  { isUsage: (error) => error instanceof ConfigError },
).then((code) => {
  process.exitCode = code;
});
