/**
 * The one table `npm run bench` prints, as Markdown (so it pastes into docs/benchmarks.md). Each
 * section of the bench contributes rows; a row says what was measured, its figure with the spread
 * of its samples, its ratio to the yardstick where it has one, and its target with the verdict.
 */
import type { Spread } from './measure';

export interface Target {
  /** As people read it: `≤ 1.25× CPU`. */
  readonly text: string;
  readonly met: boolean;
}

export interface BenchRow {
  /** What the row belongs to: a corpus, `start-up`, `Lambda`, `worker`, `API`. */
  readonly group: string;
  readonly name: string;
  /** The measured figure, spread included: `CPU 12.31 s (12.02–12.90), wall 7.12 s (6.95–7.40)`. */
  readonly figure: string;
  /** Against the yardstick, round by round. @default none */
  readonly ratio?: string;
  /** @default none */
  readonly target?: Target;
}

/**
 * One part of the bench: it measures when run and returns its rows. Sections run one after the
 * other, so each has the machine to itself.
 */
export interface BenchSection {
  readonly title: string;
  readonly run: (options: { readonly rounds: number }) => Promise<readonly BenchRow[]>;
}

/** `12.31 (12.02–12.90)`, with `digits` decimals and the unit after. */
export function withSpread(spread: Spread, digits: number, unit = ''): string {
  const f = (value: number) => value.toFixed(digits);
  return `${f(spread.median)}${unit} (${f(spread.min)}–${f(spread.max)})`;
}

const escape = (cell: string) => cell.replaceAll('|', '\\|');

export function renderTable(rows: readonly BenchRow[]): string {
  const header = ['', '', 'measured: median (min–max)', 'ratio to the reference', 'target'];
  const lines = [header, header.map(() => '---')];
  for (const row of rows) {
    const verdict = row.target ? `${row.target.text}: ${row.target.met ? 'met' : '**missed**'}` : '';
    lines.push([row.group, row.name, row.figure, row.ratio ?? '', verdict]);
  }
  return `${lines.map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n')}\n`;
}
