/** Markdown tables and the run header (machine, Node, date) that every benchmark prints. */
import { cpus, loadavg, totalmem } from 'node:os';

/** A Markdown table; numbers are printed as given (format them first). */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
export function loadAverages(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

/**
 * Where and when the figures were taken, with the load average at the start (`startLoad`) and now: ratios between
 * rows of one run are what to compare, and on a shared machine the load says how much the absolute figures drift.
 */
export function runHeader(startLoad: string): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${new Date().toISOString()}; load average (1 / 5 / 15 min) ${startLoad} at the start, ${loadAverages()} at the end`;
}

/** Formats a number with `digits` significant decimals. */
export function fmt(value: number, digits = 1): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** One line of the final Targets table: a target of issue #9, what this run measured and the verdict. */
export interface TargetResult {
  readonly target: string;
  readonly measured: string;
  /** `met`, `missed (…by how much)` or `not evaluated (why)`. */
  readonly verdict: string;
}

/** What each benchmark returns: its Markdown section and the targets it evaluates. */
export interface BenchSection {
  readonly markdown: string;
  readonly targets: readonly TargetResult[];
}

/** The verdict of a target: `met`, or `missed (<by>)`. */
export function verdict(met: boolean, missedBy: string): string {
  return met ? 'met' : `missed (${missedBy})`;
}
