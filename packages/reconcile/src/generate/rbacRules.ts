/**
 * RBAC rules from the permissions the manager checks at start-up: the same list, turned into a Role or ClusterRole
 * offline (no discovery), so the committed manifest and the start-up check cannot disagree.
 */
import type { RequiredPermission } from '../manager/requiredPermissions.js';

/** One `rules[]` entry of a Role or ClusterRole. */
export interface PolicyRule {
  /** `''` is the core group. */
  readonly apiGroups: readonly string[];
  /** Plural resources, `<resource>/<subresource>` for a subresource. */
  readonly resources: readonly string[];
  /** Only these objects, e.g. a leader-election Lease. @default any */
  readonly resourceNames?: readonly string[];
  /** Verbs in the order `get, list, watch, create, update, patch, delete`. */
  readonly verbs: readonly string[];
}

/** Options of {@link policyRules}. */
export interface PolicyRulesOptions {
  /**
   * The plural resource of a kind, keyed `<group>/<Kind>` (`''/Kind` for the core group), e.g. from your CRDs'
   * `spec.names.plural`. @default Kubernetes' own guess (lower-case kind; `-s` → `-ses`, `-y` → `-ies`, else `+s`)
   */
  readonly plurals?: ReadonlyMap<string, string>;
}

const verbOrder = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** Kinds whose plural is not the guess. */
const irregular: Readonly<Record<string, string>> = { '/Endpoints': 'endpoints' };

/** The API group of an `apiVersion`: `apps/v1` → `apps`, `v1` → `''`. */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** apimachinery's `UnsafeGuessKindToResource`, which kubebuilder also uses for a CRD's default plural. */
function guessPlural(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/**
 * Turns required permissions into rules: kinds mapped to plural resources, namespaces dropped (the Role or
 * ClusterRole decides where the rules apply), one rule per group and verb set, resources sorted, rules in a stable
 * order. Two generations of the same permissions give the same text.
 */
export function policyRules(
  permissions: readonly RequiredPermission[],
  options: PolicyRulesOptions = {},
): PolicyRule[] {
  // resource key → verbs
  const byResource = new Map<string, { group: string; resource: string; name?: string; verbs: Set<string> }>();
  for (const p of permissions) {
    const group = p.type ? apiGroupOf(p.type.apiVersion) : (p.group ?? '');
    let resource = p.resource;
    if (p.type) {
      const key = `${group}/${p.type.kind}`;
      resource = options.plurals?.get(key) ?? irregular[key] ?? guessPlural(p.type.kind);
    }
    if (!resource) throw new TypeError(`${p.neededBy}: a permission needs a type or a resource`);
    const full = p.subresource ? `${resource}/${p.subresource}` : resource;
    const key = `${group}\u0000${full}\u0000${p.name ?? ''}`;
    const entry = byResource.get(key) ?? { group, resource: full, ...(p.name && { name: p.name }), verbs: new Set() };
    entry.verbs.add(p.verb);
    byResource.set(key, entry);
  }
  // Resources of one group with the same verbs (and no name) share a rule.
  const rules = new Map<string, { group: string; resources: string[]; name?: string; verbs: string[] }>();
  for (const entry of byResource.values()) {
    const verbs = [...entry.verbs].sort((a, b) => rank(a) - rank(b));
    const key = `${entry.group}\u0000${verbs.join(',')}\u0000${entry.name ?? ''}`;
    const rule = rules.get(key) ?? {
      group: entry.group,
      resources: [],
      ...(entry.name && { name: entry.name }),
      verbs,
    };
    rule.resources.push(entry.resource);
    rules.set(key, rule);
  }
  return [...rules.values()]
    .map((r) => ({ ...r, resources: r.resources.sort() }))
    .sort(
      (a, b) =>
        compare(a.group, b.group) ||
        compare(a.resources[0]!, b.resources[0]!) ||
        compare(a.verbs.join(), b.verbs.join()),
    )
    .map(({ group, resources, name, verbs }) => ({
      apiGroups: [group],
      resources,
      ...(name !== undefined && { resourceNames: [name] }),
      verbs,
    }));
}

function rank(verb: string): number {
  const at = verbOrder.indexOf(verb);
  return at < 0 ? verbOrder.length : at;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Options of {@link rbacRoleYaml}. */
export interface RbacRoleOptions {
  /** The Role's or ClusterRole's name, e.g. `webapp-operator`. */
  readonly name: string;
  /** A Role in this namespace. @default a ClusterRole */
  readonly namespace?: string;
  /** A `#` comment line on top (say how the file was made). @default none */
  readonly header?: string;
}

/** The YAML document of a ClusterRole (or a Role with `namespace`) holding `rules`. */
export function rbacRoleYaml(rules: readonly PolicyRule[], options: RbacRoleOptions): string {
  const list = (values: readonly string[]) => `[${values.map(scalar).join(', ')}]`;
  const lines = [
    ...(options.header ? [`# ${options.header}`] : []),
    'apiVersion: rbac.authorization.k8s.io/v1',
    `kind: ${options.namespace === undefined ? 'ClusterRole' : 'Role'}`,
    'metadata:',
    `  name: ${scalar(options.name)}`,
    ...(options.namespace === undefined ? [] : [`  namespace: ${scalar(options.namespace)}`]),
    'rules:',
    ...rules.flatMap((rule) => [
      `  - apiGroups: ${list(rule.apiGroups)}`,
      `    resources: ${list(rule.resources)}`,
      ...(rule.resourceNames ? [`    resourceNames: ${list(rule.resourceNames)}`] : []),
      `    verbs: ${list(rule.verbs)}`,
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

/** A plain scalar when YAML reads it back as the same string, else a JSON (YAML-compatible) quoted one. */
function scalar(value: string): string {
  return /^[a-z][a-z0-9./-]*$/.test(value) && !/^(y|n|yes|no|on|off|true|false|null)$/.test(value)
    ? value
    : JSON.stringify(value);
}
