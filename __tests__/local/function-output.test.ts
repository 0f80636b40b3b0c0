/** Function output is taken off the process streams only inside an invocation's async context. */
import { captureFunctionOutput, type FunctionLine } from '../../local/function-output';
import { runAsFunction } from '../../local/invocation';

describe('captureFunctionOutput', () => {
  it('takes what an invocation writes, line by line across writes, and lets everything else through', async () => {
    const lines: FunctionLine[] = [];
    const passed: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string) => passed.push(chunk) > 0) as typeof process.stdout.write;
    const release = captureFunctionOutput((line) => {
      lines.push(line);
      // Written from the handler of a captured line: not the function's, so it passes.
      process.stdout.write(`seen ${line.text}\n`);
    });
    try {
      await Promise.all([
        runAsFunction('validate', async () => {
          process.stdout.write('{"a":');
          await new Promise((resolve) => setTimeout(resolve, 5));
          process.stdout.write('1}\n\n');
        }),
        runAsFunction('resize', async () => {
          process.stderr.write('plain text\n');
        }),
      ]);
      process.stdout.write('progress\n');
    } finally {
      release();
      process.stdout.write = original;
    }
    expect(lines).toEqual([
      { functionName: 'resize', text: 'plain text' },
      { functionName: 'validate', text: '{"a":1}' },
    ]);
    expect(passed).toEqual(['seen plain text\n', 'seen {"a":1}\n', 'progress\n']);
  });
});
