/** `npm run cdktf -- <command> [...]`: the cdktf CLI, on Node 22, for anything the npm scripts do not cover. */
import { EXIT, runCommand } from '../cli/command';
import { runCdktf } from './launch';

let status: number = EXIT.ok;
void runCommand(async () => {
  status = await runCdktf(process.argv.slice(2));
}).then((code) => {
  process.exitCode = code === EXIT.ok ? status : code;
});
