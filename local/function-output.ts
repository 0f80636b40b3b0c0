/**
 * What the functions print, taken as the Lambda service takes it. Every invocation runs in an
 * async context naming its function (invocation.ts); while a capture is on, whatever that
 * context writes to stdout or stderr — Powertools' JSON log lines and EMF metrics, which it writes
 * through its own Console onto the process streams, or a stray console call — is handed over line
 * by line instead of reaching the terminal. Everything else the process writes (the progress bar,
 * the summary) passes through untouched.
 */
import { callingFunction, outsideFunctions } from './invocation';

export interface FunctionLine {
  readonly functionName: string;
  readonly text: string;
}

type Write = typeof process.stdout.write;

/** Hands every line the functions write to `onLine` until the returned function is called. */
export function captureFunctionOutput(onLine: (line: FunctionLine) => void): () => void {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, index) => {
    const original = originals[index]!;
    // A write may end mid-line; the rest of the line follows in the same invocation's next write.
    const partial = new Map<string, string>();
    stream.write = function write(chunk: Uint8Array | string, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) {
      const functionName = callingFunction();
      if (functionName === undefined) return original.apply(stream, [chunk, encoding, callback] as unknown as Parameters<Write>);
      const text = (partial.get(functionName) ?? '') + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
      const lines = text.split('\n');
      partial.set(functionName, lines.pop() ?? '');
      // Outside the invocation's context: what onLine writes itself is not the function's.
      outsideFunctions(() => {
        for (const line of lines) if (line.trim() !== '') onLine({ functionName, text: line });
      });
      const done = typeof encoding === 'function' ? encoding : callback;
      if (done) process.nextTick(done);
      return true;
    } as Write;
  });
  return () => streams.forEach((stream, index) => (stream.write = originals[index]!));
}
