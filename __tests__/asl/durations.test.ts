import { longestRunSeconds } from '../../asl/durations';
import { pipelineDefinition } from '../../asl/definition';

const seconds: Record<string, number> = { validate: 10, resize: 20, filters: 5, optimize: 40, 'notify-success': 3, 'notify-error': 7 };
const machine = pipelineDefinition((entrypoint) => entrypoint);
const taskSeconds = (resource: string) => seconds[resource]!;

describe('longestRunSeconds', () => {
  it('takes the slowest branch of a Parallel and the longest way to an end, NotifyError after a late failure included', () => {
    // ValidateImage → ProcessImage (ResizeImage, the slower branch) → OptimizeImage → NotifySuccess → NotifyError (its Catch).
    expect(longestRunSeconds(machine, { taskSeconds, withRetries: false })).toBe(10 + 20 + 40 + 3 + 7);
  });

  it('counts every attempt a Task may be given, or only those of retriers that run the function', () => {
    // Throttling retries up to 6 times (7 attempts); TRANSIENT up to 3 (NotifyError: 4) times.
    expect(longestRunSeconds(machine, { taskSeconds, withRetries: true })).toBe((10 + 20 + 40 + 3 + 7) * 7);
    const retryRuns = (errors: readonly string[]) => !errors.includes('Lambda.TooManyRequestsException');
    expect(longestRunSeconds(machine, { taskSeconds, withRetries: true, retryRuns })).toBe((10 + 20 + 40 + 3) * 4 + 7 * 5);
  });

  it('refuses a definition that loops or names a state it lacks', () => {
    expect(() => longestRunSeconds({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'A' } } }, { taskSeconds, withRetries: false })).toThrow('loops through A');
    expect(() => longestRunSeconds({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } }, { taskSeconds, withRetries: false })).toThrow('state B');
  });
});
