/**
 * Rewrites the frames of a stack trace that point into a function's bundle (`/var/task/index.js:1:52310`)
 * as the source positions its source map gives (`handlers/core/decode.ts:41:9`), leaving every
 * other line as it was. Node's own `SourceMap` reads the map: the same reader `--enable-source-maps`
 * uses, without shipping the map to Lambda.
 */
import { SourceMap, type SourceMapPayload } from 'node:module';

/** `index.js:<line>:<column>`, as V8 prints a frame (1-based), after any directory. */
const BUNDLE_FRAME = /(?:[^\s():]*\/)?index\.js:(\d+):(\d+)/g;

export interface MappedTrace {
  readonly text: string;
  /** How many frames were found in the bundle and rewritten. */
  readonly mapped: number;
}

export function mapTrace(trace: string, map: SourceMapPayload): MappedTrace {
  const sourceMap = new SourceMap(map);
  let mapped = 0;
  const text = trace.replace(BUNDLE_FRAME, (frame: string, line: string, column: string) => {
    const origin = sourceMap.findOrigin(Number(line), Number(column));
    if (!('fileName' in origin)) return frame;
    mapped += 1;
    return `${origin.fileName}:${origin.lineNumber}:${origin.columnNumber}`;
  });
  return { text, mapped };
}
