/**
 * Which function is calling. Every function shares the runner's process, so the SDK clients cannot
 * tell by themselves whose role a call is made with: each invocation runs in its own async context
 * (lambda-invoke.ts) carrying the function's name, and whatever the handler awaits inherits it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const invocation = new AsyncLocalStorage<string>();

/** Runs `work` as the function `functionName`: SDK calls it makes are made with that function's role. */
export function runAsFunction<T>(functionName: string, work: () => T): T {
  return invocation.run(functionName, work);
}

/** The function whose invocation is running here, if any. */
export function callingFunction(): string | undefined {
  return invocation.getStore();
}
