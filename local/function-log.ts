/**
 * The log of a local run's functions, as CloudWatch Logs would keep it: every line each function
 * wrote, one JSON record per line, in a file — or with --verbose on the terminal, as they come
 * (pretty on a terminal, the JSON itself when piped). The EMF records among them are also read
 * into the run's metrics, which the report summarises per state.
 */
import { appendFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { captureFunctionOutput, type FunctionLine } from './function-output';
import { metricsOf, type MetricDatum } from './emf';

/** Where the functions' lines go: a file, or the terminal (--verbose). */
export type FunctionLogDestination = { readonly file: string } | { readonly terminal: NodeJS.WritableStream & { readonly isTTY?: boolean } };

/** Keys every line carries that a person reading along does not need repeated. */
const QUIET_KEYS = new Set(['timestamp', 'level', 'message', 'service', 'function', 'jobId', 'function_name', 'function_arn', 'function_memory_size', 'function_request_id', 'cold_start', 'sampling_rate', 'xray_trace_id']);

const LEVEL_COLOURS: Readonly<Record<string, string>> = { ERROR: '\x1b[31m', WARN: '\x1b[33m', INFO: '\x1b[36m', DEBUG: '\x1b[90m' };

function parseRecord(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** One line a person reads: time, level, function, job, message, and what else the record holds. */
export function prettyLine(line: FunctionLine, record: Readonly<Record<string, unknown>> | undefined): string {
  if (!record) return `${line.functionName}: ${line.text}`;
  const metrics = metricsOf(record);
  if (metrics.length > 0) {
    return `\x1b[90mmetric ${metrics.map((datum) => `${datum.name}=${datum.value} ${datum.unit} ${Object.entries(datum.dimensions).map(([name, value]) => `${name}=${value}`).join(' ')}`).join('; ')}\x1b[0m`;
  }
  const level = String(record.level ?? 'INFO');
  const time = typeof record.timestamp === 'string' ? record.timestamp.slice(11, 23) : '';
  const job = typeof record.jobId === 'string' ? ` ${record.jobId.slice(0, 12)}` : '';
  const rest = Object.fromEntries(Object.entries(record).filter(([key]) => !QUIET_KEYS.has(key)));
  const details = Object.keys(rest).length > 0 ? ` ${inspect(rest, { colors: true, breakLength: Infinity, depth: 4 })}` : '';
  return `${time} ${LEVEL_COLOURS[level] ?? ''}${level.padEnd(5)}\x1b[0m ${String(record.function ?? line.functionName)}${job}  ${String(record.message ?? '')}${details}`;
}

export class FunctionLog {
  private readonly metricData: MetricDatum[] = [];
  private wrote = false;
  private readonly release: () => void;

  constructor(private readonly destination: FunctionLogDestination) {
    this.release = captureFunctionOutput((line) => this.take(line));
  }

  /** The file the lines went to, once one was written. */
  get file(): string | undefined {
    return 'file' in this.destination && this.wrote ? this.destination.file : undefined;
  }

  /** How many datapoints have been read so far: a mark for {@link metricsSince}. */
  get metricCount(): number {
    return this.metricData.length;
  }

  metricsSince(mark: number): readonly MetricDatum[] {
    return this.metricData.slice(mark);
  }

  close(): void {
    this.release();
  }

  private take(line: FunctionLine): void {
    const record = parseRecord(line.text);
    if (record) this.metricData.push(...metricsOf(record));
    this.wrote = true;
    if ('file' in this.destination) {
      appendFileSync(this.destination.file, `${line.text}\n`);
      return;
    }
    const { terminal } = this.destination;
    // Clears the progress bar's line first; the bar redraws itself on the next finished job.
    terminal.write(terminal.isTTY ? `\r\x1b[2K${prettyLine(line, record)}\n` : `${line.text}\n`);
  }
}
