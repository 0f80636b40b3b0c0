/**
 * Progress for a run: a redrawn bar on a terminal, one plain line per finished job otherwise
 * (CI logs, pipes, files).
 */
import { basename } from 'node:path';
import type { WriteStream } from 'node:tty';
import { printable } from './printable';

export interface ProgressEvent {
  readonly input: string;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'ERROR';
  /** The error code, for a failed job. */
  readonly code?: string;
}

export interface Progress {
  start(total: number): void;
  done(event: ProgressEvent): void;
  /** Clears the bar, leaving the terminal ready for the summary. */
  finish(): void;
}

export function createProgress(stream: NodeJS.WritableStream & Partial<Pick<WriteStream, 'isTTY' | 'columns'>>): Progress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

function lineProgress(stream: NodeJS.WritableStream): Progress {
  let total = 0;
  let finished = 0;
  return {
    start(count) {
      total = count;
      stream.write(`Processing ${count} input(s)…\n`);
    },
    done(event) {
      finished += 1;
      const label = event.status === 'SUCCEEDED' ? 'ok    ' : event.status === 'FAILED' ? 'FAILED' : 'ERROR ';
      stream.write(`[${finished}/${total}] ${label} ${printable(event.input)}${event.code ? ` (${event.code})` : ''}\n`);
    },
    finish() {},
  };
}

function barProgress(stream: NodeJS.WritableStream & Partial<Pick<WriteStream, 'columns'>>): Progress {
  let total = 0;
  let succeeded = 0;
  let failed = 0;
  let started = 0;
  const draw = (last = '') => {
    const done = succeeded + failed;
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const line = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}  ok ${succeeded}  failed ${failed}  ${seconds}s ${last}`;
    stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 80) - 1)}`);
  };
  return {
    start(count) {
      total = count;
      started = performance.now();
      draw();
    },
    done(event) {
      if (event.status === 'SUCCEEDED') succeeded += 1;
      else failed += 1;
      draw(printable(basename(event.input)));
    },
    finish() {
      stream.write('\r\x1b[2K');
    },
  };
}
