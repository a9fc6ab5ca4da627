/**
 * Reads a chart's values.yaml with its comments and derives the two files that must agree with it: values.schema.json
 * (Helm validates every install, upgrade, template and lint against it) and the value table of the chart README.
 *
 * Every value has a comment above it. A comment line `@schema {...}` adds JSON Schema keywords; a `type` among them
 * makes the value opaque (a Kubernetes object such as `resources` or `affinity`, which the API server checks), so its
 * children are neither described nor listed. Other mappings are the chart's own and refuse unknown keys.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, type Pair, parseDocument, type YAMLMap } from 'yaml';

/** One documented value: its dotted path, JSON Schema, default and description. */
export interface ChartValue {
  readonly path: string;
  readonly schema: Record<string, unknown>;
  readonly defaultValue: unknown;
  readonly description: string;
}

/** Where the generated table sits in the chart README. */
export const valuesTableMarkers = { start: '<!-- values:start -->', end: '<!-- values:end -->' } as const;

function typeOf(value: unknown, path: string): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (Array.isArray(value)) return 'array';
  if (value !== null && typeof value === 'object') return 'object';
  throw new Error(`values.yaml ${path}: cannot infer a type of ${JSON.stringify(value)}; add @schema {"type": ...}`);
}

/** Splits a comment into its description and its `@schema` keywords. */
function parseComment(comment: string, path: string): { description: string; keywords: Record<string, unknown> } {
  const lines = comment.split('\n').map((line) => line.replace(/^ /, ''));
  const schemaLines = lines.filter((line) => line.startsWith('@schema '));
  const description = lines
    .filter((line) => !line.startsWith('@schema '))
    .join(' ')
    .trim();
  if (description === '') throw new Error(`values.yaml ${path}: every value needs a comment saying what it does`);
  let keywords: Record<string, unknown> = {};
  for (const line of schemaLines) {
    try {
      keywords = { ...keywords, ...(JSON.parse(line.slice('@schema '.length)) as Record<string, unknown>) };
    } catch (err) {
      throw new Error(`values.yaml ${path}: @schema is not JSON: ${(err as Error).message}`);
    }
  }
  return { description, keywords };
}

/** Every documented value of `valuesYaml`, in file order, and the schema of the whole file. */
export function readChartValues(valuesYaml: string): { values: ChartValue[]; schema: Record<string, unknown> } {
  const doc = parseDocument(valuesYaml);
  if (doc.errors.length > 0) throw new Error(`values.yaml: ${doc.errors[0]!.message}`);
  const values: ChartValue[] = [];
  const describeMap = (map: YAMLMap, prefix: string, first: boolean): Record<string, unknown> => {
    const properties: Record<string, unknown> = {};
    map.items.forEach((pair: Pair, index) => {
      if (!isScalar(pair.key)) throw new Error(`values.yaml ${prefix}: keys must be plain scalars`);
      const key = String(pair.key.value);
      const path = prefix === '' ? key : `${prefix}.${key}`;
      // The comment above a mapping's first key is the mapping's own comment; the file's header is separated from
      // the first value's comment by a blank line.
      let comment = pair.key.commentBefore ?? (index === 0 ? map.commentBefore : undefined) ?? '';
      if (first && index === 0) comment = comment.split('\n\n').pop() ?? '';
      const defaultValue = (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null;
      if (isMap(pair.value) && comment === '') {
        properties[key] = describeMap(pair.value, path, false);
        return;
      }
      const { description, keywords } = parseComment(comment, path);
      const schema = { type: typeOf(defaultValue, path), ...keywords, description };
      properties[key] = schema;
      values.push({ path, schema, defaultValue, description });
    });
    return { type: 'object', additionalProperties: false, properties };
  };
  if (!isMap(doc.contents)) throw new Error('values.yaml: the top level must be a mapping');
  const top = describeMap(doc.contents, '', true);
  const schema = {
    $schema: 'https://json-schema.org/draft-07/schema#',
    ...top,
    // Helm adds `global` for charts used as subcharts.
    properties: { ...(top.properties as object), global: { type: 'object' } },
  };
  return { values, schema };
}

/** values.schema.json as written to the chart (two-space indent, final newline). */
export function chartSchemaJson(valuesYaml: string): string {
  return `${JSON.stringify(readChartValues(valuesYaml).schema, null, 2)}\n`;
}

const cell = (text: string) => text.replaceAll('|', '\\|');

/** The Markdown table of every value: key, type, default, description. */
export function chartValuesTable(valuesYaml: string): string {
  const rows = readChartValues(valuesYaml).values.map((value) => {
    const type = String(value.schema.type);
    const shown = `\`${cell(JSON.stringify(value.defaultValue))}\``;
    return `| \`${value.path}\` | ${type} | ${shown} | ${cell(value.description)} |`;
  });
  return ['| Value | Type | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The README with its value table replaced by the one generated from values.yaml. */
export function chartReadme(readme: string, valuesYaml: string): string {
  const start = readme.indexOf(valuesTableMarkers.start);
  const end = readme.indexOf(valuesTableMarkers.end);
  if (start < 0 || end < start) {
    throw new Error(
      `chart README: no ${valuesTableMarkers.start} ... ${valuesTableMarkers.end} section for the values`,
    );
  }
  const table = chartValuesTable(valuesYaml);
  return `${readme.slice(0, start + valuesTableMarkers.start.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

/** The generated files of the chart in `chartDir` as they should be, keyed by their path in the chart. */
export function generatedChartFiles(chartDir: string): Record<string, string> {
  const valuesYaml = readFileSync(join(chartDir, 'values.yaml'), 'utf8');
  return {
    'values.schema.json': chartSchemaJson(valuesYaml),
    'README.md': chartReadme(readFileSync(join(chartDir, 'README.md'), 'utf8'), valuesYaml),
  };
}
