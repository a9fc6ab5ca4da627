/**
 * A tiny renderer for deploy/chart (Helm is not available here): the templates only use `{{ .Release.Name }}`,
 * `{{ .Release.Namespace }}` and `{{ .Values.<path> }}`, each inside a quoted YAML string (so the templates are
 * valid YAML that formatters leave alone); anything else is an error, so the chart stays within what this
 * renderer (and therefore the test) understands.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const chartDir = join(import.meta.dirname, '..', 'deploy', 'chart');

export function renderChart(
  release: { name: string; namespace: string },
  overrides: Record<string, unknown> = {},
): Record<string, any>[] {
  const values = {
    ...(parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>),
    ...overrides,
  };
  const lookup = (path: string): unknown => {
    const [root, ...rest] = path.split('.');
    let value: unknown =
      root === 'Release'
        ? { Name: release.name, Namespace: release.namespace }
        : root === 'Values'
          ? values
          : undefined;
    for (const key of rest) value = (value as Record<string, unknown> | undefined)?.[key];
    if (value === undefined) throw new Error(`chart: .${path} has no value`);
    return value;
  };
  return readdirSync(join(chartDir, 'templates'))
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) => {
      const text = readFileSync(join(chartDir, 'templates', file), 'utf8').replace(
        /\{\{-?\s*(.*?)\s*-?\}\}/g,
        (_, expression: string) => {
          if (!/^\.[A-Za-z][\w.]*$/.test(expression)) {
            throw new Error(`chart ${file}: unsupported template expression {{ ${expression} }}`);
          }
          return String(lookup(expression.slice(1)));
        },
      );
      return parseAllDocuments(text)
        .map((doc) => doc.toJS() as Record<string, any>)
        .filter(Boolean);
    });
}
