/**
 * Renders this app's Helm chart for tests (no helm binary here): its templates use only `{{ .Release.Name }}`,
 * `{{ .Release.Namespace }}` and `{{ .Values.<path> }}` (optionally `| quote`); anything else fails the render.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAllYaml, loadYaml } from '@kubernetes/client-node';

const chartDir = join(import.meta.dirname, '..', 'deploy', 'chart');

/** Every object of the rendered templates. */
export function renderChart(
  release: { name: string; namespace: string },
  overrides: Record<string, unknown> = {},
): any[] {
  const values = {
    ...loadYaml<Record<string, unknown>>(readFileSync(join(chartDir, 'values.yaml'), 'utf8')),
    ...overrides,
  };
  const lookup = (path: string): unknown =>
    path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);
  return readdirSync(join(chartDir, 'templates'))
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => {
      const text = readFileSync(join(chartDir, 'templates', file), 'utf8').replace(
        /\{\{\s*([^}]*?)\s*\}\}/g,
        (_all, expression: string) => {
          const [source, pipe] = expression.split('|').map((part) => part.trim());
          let value: unknown;
          if (source === '.Release.Name') value = release.name;
          else if (source === '.Release.Namespace') value = release.namespace;
          else if (source?.startsWith('.Values.')) value = lookup(source.slice('.Values.'.length));
          else throw new Error(`${file}: unsupported template expression {{ ${expression} }}`);
          if (value === undefined) throw new Error(`${file}: no value for ${source}`);
          if (pipe === 'quote') return JSON.stringify(String(value));
          if (pipe !== undefined) throw new Error(`${file}: unsupported pipe ${pipe}`);
          return String(value);
        },
      );
      return loadAllYaml(text).filter((object) => object);
    });
}
