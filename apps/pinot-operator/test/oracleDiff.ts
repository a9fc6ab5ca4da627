/**
 * The oracle comparison: children of the same custom resource made by the Go operator and by ours, normalised
 * (server-owned fields, both operators' bookkeeping hashes, the namespace name, allocated IPs and ports), flattened to
 * `path → value` and compared; and the declared-differences tables of MIGRATION.md that every difference must match.
 */
import { readFileSync } from 'node:fs';

/** One difference between the Go child and ours. */
export interface ChildDifference {
  /** Where it was seen: the sample file. */
  readonly sample: string;
  readonly kind: string;
  readonly name: string;
  /** The flattened path (`spec.template.spec.containers[pinot-broker-broker].env[JAVA_OPTS].value`), or `(object)`. */
  readonly path: string;
  readonly go: unknown;
  readonly dsoi: unknown;
}

/** Both operators' desired-state hashes: bookkeeping, not behaviour. */
const bookkeepingAnnotations = new Set(['dsoi.io/desired-hash', 'PinotOperatorHash']);
const configChecksum = /^checksum\.dsoi\.io\/configmap-/;

type Tree = Record<string, unknown>;

/** A child without what the server or the operators' bookkeeping put there, `namespace` replaced by `<ns>`. */
export function normalise(object: Tree, namespace: string): Tree {
  const copy = JSON.parse(JSON.stringify(object).split(namespace).join('<ns>')) as Tree & {
    metadata: Tree;
    spec?: Tree;
  };
  delete copy.status;
  const meta = copy.metadata;
  for (const field of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields'])
    delete meta[field];
  const annotations = meta.annotations as Record<string, string> | undefined;
  for (const key of Object.keys(annotations ?? {})) if (bookkeepingAnnotations.has(key)) delete annotations![key];
  for (const ref of (meta.ownerReferences ?? []) as Tree[]) delete ref.uid;
  const template = (copy.spec?.template as Tree | undefined)?.metadata as Tree | undefined;
  const podAnnotations = template?.annotations as Record<string, string> | undefined;
  for (const key of Object.keys(podAnnotations ?? {})) if (configChecksum.test(key)) podAnnotations![key] = '<hash>';
  for (const container of ((copy.spec?.template as any)?.spec?.containers ?? []) as { env?: Tree[] }[]) {
    // The Go operator's config hash: an env var named after the ConfigMap, holding its hash.
    for (const env of container.env ?? []) if (String(env.name).endsWith('-config')) env.value = '<hash>';
  }
  if (copy.kind === 'Service' && copy.spec) {
    const spec = copy.spec as {
      clusterIP?: string;
      clusterIPs?: string[];
      ports?: Tree[];
      healthCheckNodePort?: unknown;
    };
    if (spec.clusterIP && spec.clusterIP !== 'None') spec.clusterIP = '<allocated>';
    if (spec.clusterIPs) spec.clusterIPs = spec.clusterIPs.map((ip) => (ip === 'None' ? ip : '<allocated>'));
    for (const port of spec.ports ?? []) if (port.nodePort !== undefined) port.nodePort = '<allocated>';
    if (spec.healthCheckNodePort !== undefined) spec.healthCheckNodePort = '<allocated>';
  }
  return copy;
}

/** `path → leaf value`; arrays of objects with unique `name`s are keyed by name, empty objects and arrays vanish. */
export function flatten(value: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    const names = value.map((v) => (v !== null && typeof v === 'object' ? (v as Tree).name : undefined));
    const named = names.every((n) => typeof n === 'string') && new Set(names).size === names.length;
    value.forEach((v, i) => {
      flatten(v, `${path}[${named ? String(names[i]) : i}]`, out);
    });
    return out;
  }
  if (typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) flatten(v, path ? `${path}.${key}` : key, out);
    return out;
  }
  out.set(path, value);
  return out;
}

/** Every difference between the Go children and ours (both already normalised), by kind and name. */
export function diffChildren(sample: string, go: readonly Tree[], dsoi: readonly Tree[]): ChildDifference[] {
  const key = (o: Tree) => `${o.kind}/${(o.metadata as Tree).name}`;
  const goByKey = new Map(go.map((o) => [key(o), o]));
  const dsoiByKey = new Map(dsoi.map((o) => [key(o), o]));
  const differences: ChildDifference[] = [];
  for (const k of [...new Set([...goByKey.keys(), ...dsoiByKey.keys()])].sort()) {
    const [kind, name] = k.split('/') as [string, string];
    const g = goByKey.get(k);
    const d = dsoiByKey.get(k);
    if (!g || !d) {
      differences.push({
        sample,
        kind,
        name,
        path: '(object)',
        go: g ? 'exists' : 'absent',
        dsoi: d ? 'exists' : 'absent',
      });
      continue;
    }
    const gf = flatten(g);
    const df = flatten(d);
    for (const path of [...new Set([...gf.keys(), ...df.keys()])].sort()) {
      if (gf.get(path) !== df.get(path)) {
        differences.push({ sample, kind, name, path, go: gf.get(path), dsoi: df.get(path) });
      }
    }
  }
  return differences;
}

/**
 * Every field path a CRD's schema defines (`.spec.nodes[].name`; `{}` for map values, `{*}` where unknown fields are
 * kept), to check that ours holds every field of the Go CRD.
 */
export function crdFieldPaths(schema: unknown, path = '', out = new Set<string>()): Set<string> {
  if (schema === null || typeof schema !== 'object') return out;
  const s = schema as Tree & { properties?: Tree; items?: unknown; additionalProperties?: unknown };
  if (s['x-kubernetes-preserve-unknown-fields']) out.add(`${path}{*}`);
  for (const [key, value] of Object.entries(s.properties ?? {})) {
    out.add(`${path}.${key}`);
    crdFieldPaths(value, `${path}.${key}`, out);
  }
  if (s.items) crdFieldPaths(s.items, `${path}[]`, out);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    crdFieldPaths(s.additionalProperties, `${path}{}`, out);
  }
  return out;
}

/** One row of the declared-differences table: `Kind path-glob` (`*` matches anything) and the prose columns. */
export interface DeclaredDifference {
  readonly kind: string;
  readonly glob: string;
  readonly field: string;
  readonly go: string;
  readonly dsoi: string;
  readonly why: string;
  readonly userAction: string;
}

function tableUnder(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`MIGRATION.md has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, line.lastIndexOf('|'))
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replaceAll('\\|', '|')),
    );
  return rows.slice(2); // header and separator
}

/** The declared differences of MIGRATION.md (section "Declared differences"). */
export function readDeclaredDifferences(file: string): DeclaredDifference[] {
  return tableUnder(readFileSync(file, 'utf8'), 'Declared differences').map((cells) => {
    const [field = '', go = '', dsoi = '', why = '', userAction = ''] = cells;
    const match = /^`([A-Za-z*]+) ([^`]+)`/.exec(field);
    if (!match) throw new Error(`MIGRATION.md: a field must read \`Kind path\`, got ${field}`);
    return { kind: match[1]!, glob: match[2]!, field, go, dsoi, why, userAction };
  });
}

/** The samples table of MIGRATION.md (section "Samples"): each row's cells, as written. */
export function readSamplesTable(file: string): string[][] {
  return tableUnder(readFileSync(file, 'utf8'), 'Samples');
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
}

/** Whether a declared row covers a difference. */
export function covers(row: DeclaredDifference, difference: ChildDifference): boolean {
  return (row.kind === '*' || row.kind === difference.kind) && globToRegExp(row.glob).test(difference.path);
}
