/**
 * The declared differences, read from the tables of MIGRATION.md (the user's migration guide), so the guide is what
 * the oracle test holds the operators to: no second copy that could drift from it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A row of a MIGRATION.md table: its cells, the first one being the field it is about. */
export interface GuideRow {
  readonly field: string;
  readonly go: string;
  readonly dsoi: string;
  readonly why: string;
  readonly action: string;
}

const guidePath = join(import.meta.dirname, '..', 'MIGRATION.md');

/** The rows of the first table under the `## ` heading that starts with `heading`. */
export function guideTable(heading: string): GuideRow[] {
  const text = readFileSync(guidePath, 'utf8');
  const start = text.indexOf(`\n## ${heading}`);
  if (start === -1) throw new Error(`MIGRATION.md has no section "## ${heading}"`);
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end === -1 ? undefined : end);
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  // Header and separator first.
  return rows.slice(2).map(([field = '', go = '', dsoi = '', why = '', action = '']) => ({
    field,
    go,
    dsoi,
    why,
    action,
  }));
}

/** The code spans of a cell (`` `Deployment: spec.selector` `` → `Deployment: spec.selector`). */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** A child difference as the guide declares it: the kinds it is about and a field path prefix (`[]` for any index). */
export interface DeclaredChildDifference {
  readonly row: string;
  readonly kinds: readonly string[];
  readonly path: string;
}

/** The rows of "Differences in the children": each code span is `Kind[, Kind]: path`. */
export function declaredChildDifferences(): DeclaredChildDifference[] {
  return guideTable('Differences in the children').flatMap((row) =>
    codeSpans(row.field).map((span) => {
      const [kinds = '', path = ''] = span.split(': ');
      return { row: row.field, kinds: kinds.split(',').map((k) => k.trim()), path };
    }),
  );
}

/** A CRD difference as the guide declares it: path patterns (`**` = any subtree) and the schema keywords concerned. */
export interface DeclaredCrdDifference {
  readonly row: string;
  readonly paths: readonly string[];
  readonly keywords: readonly string[];
}

/** The rows of "Differences in the custom resource": code spans are paths, the trailing `(a, b)` the keywords. */
export function declaredCrdDifferences(): DeclaredCrdDifference[] {
  return guideTable('Differences in the custom resource').map((row) => ({
    row: row.field,
    paths: codeSpans(row.field),
    keywords: (/\(([^)]*)\)\s*$/.exec(row.field)?.[1] ?? '').split(',').map((k) => k.trim()),
  }));
}

/** Whether a schema path matches a declared pattern (`**` matches any rest of the path). */
export function pathMatches(pattern: string, path: string): boolean {
  if (pattern.endsWith('.**')) return path === pattern.slice(0, -3) || path.startsWith(pattern.slice(0, -2));
  return pattern === path;
}
