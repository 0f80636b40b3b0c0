/** --verbose: the functions' JSON lines on the terminal — as they are when piped, readable on a terminal. */
import { FunctionLog, prettyLine } from '../../local/function-log';
import { runAsFunction } from '../../local/invocation';

const RECORD = { level: 'WARN', message: 'Accepted with malformed metadata', timestamp: '2026-12-01T10:00:01.234Z', service: 's', function: 'validate', jobId: 'beach-jpg-0123456789abcdef', function_request_id: 'r', cold_start: true, warnings: ['tag 34737'] };

function terminal(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (chunk: string) => written.push(chunk) > 0 } as unknown as NodeJS.WritableStream & { isTTY: boolean } };
}

async function logThrough(isTTY: boolean, text: string) {
  const { written, stream } = terminal(isTTY);
  const log = new FunctionLog({ terminal: stream });
  try {
    await runAsFunction('image-processor-local-validate', async () => {
      process.stdout.write(`${text}\n`);
    });
  } finally {
    log.close();
  }
  return { written, log };
}

describe('FunctionLog on the terminal', () => {
  it('passes the JSON itself when the terminal is a pipe, so it can be parsed', async () => {
    const { written } = await logThrough(false, JSON.stringify(RECORD));
    expect(written.map((chunk) => JSON.parse(chunk) as unknown)).toEqual([RECORD]);
  });

  it('prints one readable line on a terminal: time, level, function, job, message and the rest of the record', async () => {
    const { written } = await logThrough(true, JSON.stringify(RECORD));
    const line = written.join('').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    expect(line).toMatch(/^\r10:00:01\.234 WARN  validate beach-jpg-01 {2}Accepted with malformed metadata \{ warnings: \[ 'tag 34737' \] \}\n$/);
    expect(line).not.toContain('function_request_id');
  });

  it('reads the metrics of EMF lines whichever the destination', async () => {
    const emf = { _aws: { Timestamp: 0, CloudWatchMetrics: [{ Namespace: 'ImageProcessor', Dimensions: [['service']], Metrics: [{ Name: 'BytesIn', Unit: 'Bytes' }] }] }, service: 's', BytesIn: 42 };
    const { written, log } = await logThrough(true, JSON.stringify(emf));
    expect(log.metricsSince(0)).toEqual([expect.objectContaining({ name: 'BytesIn', value: 42 })]);
    expect(written.join('')).toContain('metric BytesIn=42 Bytes service=s');
  });

  it('names the function of a line that is not JSON', () => {
    expect(prettyLine({ functionName: 'f', text: 'plain' }, undefined)).toBe('f: plain');
  });
});
