/**
 * RESULTS.md as sections that can be rerun one at a time: each benchmark's section sits between
 * `<!-- bench:<name> -->` and `<!-- /bench:<name> -->` and starts with the line saying when, on what machine and under
 * what load it ran; the final Targets table names the section of each row. A run with `--only=<name>` replaces that
 * section and its Targets rows and keeps the others as they were (with their own run line), so a figure is never
 * shown under another run's date.
 */
import type { TargetResult } from './table.ts';
import { markdownTable } from './table.ts';

/** One benchmark's part of the file. */
export interface ResultSection {
  readonly name: string;
  readonly markdown: string;
  readonly targets: readonly TargetResult[];
}

const begin = (name: string) => `<!-- bench:${name} -->`;
const end = (name: string) => `<!-- /bench:${name} -->`;
const targetsHeading = '## Targets';

/** The sections (markdown between the markers) and Targets rows (section, target, measured, verdict) of a file. */
export function parseResults(text: string): { sections: Map<string, string>; rows: string[][] } {
  const sections = new Map<string, string>();
  for (const match of text.matchAll(/<!-- bench:([a-z]+) -->\n([\s\S]*?)\n<!-- \/bench:\1 -->/g)) {
    sections.set(match[1]!, match[2]!);
  }
  const table = text.slice(text.indexOf(targetsHeading) >= 0 ? text.indexOf(targetsHeading) : text.length);
  const rows = table
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| section |') && !line.startsWith('| ---'))
    .map((line) =>
      line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.trim()),
    )
    .filter((cells) => cells.length === 4);
  return { sections, rows };
}

/**
 * The whole file: `fresh` sections replace those of `previous` with the same name (the rest are kept, in `order`),
 * and the Targets rows of a fresh section replace that section's old rows.
 */
export function renderResults(
  order: readonly string[],
  previous: string,
  fresh: readonly ResultSection[],
  title = '# dsoi benchmarks',
): string {
  const old = parseResults(previous);
  const rerun = new Set(fresh.map((s) => s.name));
  const byName = new Map(old.sections);
  for (const s of fresh) byName.set(s.name, s.markdown.trimEnd());
  const names = [...order.filter((n) => byName.has(n)), ...[...byName.keys()].filter((n) => !order.includes(n))];
  const rows = [
    ...old.rows.filter((r) => !rerun.has(r[0]!)),
    ...fresh.flatMap((s) => s.targets.map((t) => [s.name, t.target, t.measured, t.verdict])),
  ].sort((a, b) => names.indexOf(a[0]!) - names.indexOf(b[0]!));
  return [
    title,
    '',
    'Each section says when, on which machine and under what load it ran (`npm run bench -- --only=<section>` reruns one and keeps the others). On this shared 2-core machine the load average printed with each run says how comparable its absolute figures are; compare the rows of one run.',
    '',
    ...names.flatMap((n) => [begin(n), byName.get(n)!, end(n), '']),
    targetsHeading,
    '',
    markdownTable(['section', 'target', 'measured', 'verdict'], rows),
    '',
  ].join('\n');
}
