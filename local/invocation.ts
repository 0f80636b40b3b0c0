/**
 * Which function is running. Every function shares the runner's process, so neither the SDK
 * clients (whose role a call is made with, iam/) nor the process streams (whose log line a write
 * is, function-output.ts) can tell by themselves: each invocation runs in its own async context
 * (lambda-invoke.ts) carrying the function's name, and whatever the handler awaits inherits it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const invocation = new AsyncLocalStorage<string>();

/** Runs `work` as an invocation of `functionName`: its SDK calls and its output are that function's. */
export function runAsFunction<T>(functionName: string, work: () => T): T {
  return invocation.run(functionName, work);
}

/** The function whose invocation is running here, if any. */
export function callingFunction(): string | undefined {
  return invocation.getStore();
}

/** Runs `work` outside any invocation: what it does is the runner's, not a function's. */
export function outsideFunctions<T>(work: () => T): T {
  return invocation.exit(work);
}
