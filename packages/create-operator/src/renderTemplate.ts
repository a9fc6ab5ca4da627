/** Renames the tutorial's WebApp project into a project for another kind, group and version, file by file. */
import type { OperatorNames } from './operatorNames.js';

/**
 * Every spelling of the tutorial's names in the template, longest first, in one alternation: one pass replaces each
 * occurrence once, so a new name that contains an old one (`WebApplication`) is never renamed twice.
 */
const templateNames =
  /example\.com_webapps|webapps\.example\.com|registry\.example\.com|example\.com\/v1\b|example\.com|(?:name|version): 'v1'|^(\s*)- name: v1$|shortNames: \['wa'\]|^(\s*shortNames:\n\s*)- wa$|WebApp|webApp|webapps|webapp/gm;

/** The text of a template file with the tutorial's names replaced by `names`. */
export function renameText(text: string, names: OperatorNames): string {
  const { kind, camel, lower, plural, shortName, group, version } = names;
  return text.replace(templateNames, (match, versionIndent?: string, shortNamesHead?: string) => {
    if (versionIndent !== undefined) return `${versionIndent}- name: ${version}`;
    if (shortNamesHead !== undefined) return `${shortNamesHead}- ${shortName}`;
    switch (match) {
      case 'example.com_webapps':
        return `${group}_${plural}`;
      case 'webapps.example.com':
        return `${plural}.${group}`;
      // The Dockerfile's and chart's image registry is a placeholder of its own, not the API group.
      case 'registry.example.com':
        return match;
      case 'example.com/v1':
        return `${group}/${version}`;
      case 'example.com':
        return group;
      case "name: 'v1'":
        return `name: '${version}'`;
      case "version: 'v1'":
        return `version: '${version}'`;
      case "shortNames: ['wa']":
        return `shortNames: ['${shortName}']`;
      case 'WebApp':
        return kind;
      case 'webApp':
        return camel;
      case 'webapps':
        return plural;
      default:
        return lower;
    }
  });
}

/**
 * A generated role.yaml with its rules in the order `dsoi generate rbac` writes them (by API group, then first
 * resource, then verbs, comparing code units): renaming the group moves its rules, and `generate:check` compares
 * bytes. Each rule is an `  - apiGroups: [...]` line and the indented lines under it.
 */
export function sortRoleRules(yaml: string): string {
  const at = yaml.indexOf('\nrules:\n');
  if (at < 0) return yaml;
  const head = yaml.slice(0, at + '\nrules:\n'.length);
  const rules = yaml
    .slice(head.length)
    .split(/^(?= {2}- )/m)
    .filter((rule) => rule !== '');
  const key = (rule: string) => {
    const field = (name: string) => new RegExp(`${name}: \\[([^\\]]*)\\]`).exec(rule)?.[1] ?? '';
    return [field('apiGroups'), field('resources').split(', ')[0] ?? '', field('verbs').replaceAll(' ', '')];
  };
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...rules].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return compare(ka[0]!, kb[0]!) || compare(ka[1]!, kb[1]!) || compare(ka[2]!, kb[2]!);
  });
  return head + sorted.join('');
}

/** The path of a template file in the new project (`src/webApp.ts` → `src/cacheCluster.ts`). */
export function renamePath(path: string, names: OperatorNames): string {
  return renameText(path, names);
}

/** The versions a scaffolded project depends on: every published `@dsoi` package and the test tool chain. */
export type DependencyVersions = Readonly<Record<string, string>>;

interface Manifest {
  name?: string;
  version?: string;
  description?: string;
  private?: boolean;
  engines?: Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/**
 * The new project's package.json from the template's: its own name, description and Node floor, the `@dsoi`
 * packages at the versions being published (a workspace-only package such as the repository's chart tests is left
 * out), and the test tool chain the repository's root provides to docs/examples.
 */
export function renderManifest(
  template: string,
  names: OperatorNames,
  packageName: string,
  versions: DependencyVersions,
): string {
  const source = JSON.parse(template) as Manifest;
  const pin = (deps: Record<string, string> = {}) =>
    Object.fromEntries(
      Object.entries(deps)
        .filter(([name]) => !name.startsWith('@dsoi/') || versions[name] !== undefined)
        .map(([name, range]) => [name, name.startsWith('@dsoi/') ? `^${versions[name]}` : range]),
    );
  const toolchain = ['@types/node', 'typescript', 'vitest'].map((name) => {
    const range = versions[name];
    if (!range) throw new Error(`create-operator was built without a version of ${name}`);
    return [name, range] as const;
  });
  const manifest: Manifest = {
    name: packageName,
    version: '0.1.0',
    private: true,
    description: `A Kubernetes operator for ${names.kind} (${names.group}/${names.version}), written with dsoi`,
    type: 'module',
    engines: { node: versions.node ?? '>=22.19.0' },
    scripts: Object.fromEntries(
      Object.entries(source.scripts ?? {}).map(([name, command]) => [name, renameText(command, names)]),
    ),
    dependencies: sortKeys(pin(source.dependencies)),
    devDependencies: sortKeys({ ...pin(source.devDependencies), ...Object.fromEntries(toolchain) }),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
