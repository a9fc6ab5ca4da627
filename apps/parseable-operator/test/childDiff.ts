/**
 * The children of a tenant as the oracle compares them: listed kind by kind in one namespace, server-owned fields
 * removed, then diffed leaf by leaf against the same children made by the other operator.
 */
import type { Client } from '@dsoi/client';
import { types } from './harness.ts';

/** The kinds either operator makes for a tenant. */
export const childKinds = [types.configMap, types.service, types.deployment, types.statefulSet, types.claim] as const;

type Tree = Record<string, any>;

/** Annotations written by the API server or kube-controller-manager, and our own desired-state hash. */
const serverAnnotations = [
  /^dsoi\.io\/desired-hash$/,
  /^deployment\.kubernetes\.io\/revision$/,
  /^pv\.kubernetes\.io\//,
  /^volume\.beta\.kubernetes\.io\//,
  /^volume\.kubernetes\.io\//,
];

/** A child without what the API server, the controllers or the namespace decide (so two namespaces compare). */
export function normalise(object: Tree): Tree {
  const copy = structuredClone(object);
  const meta = copy.metadata ?? {};
  for (const key of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'namespace']) {
    delete meta[key];
  }
  // kubernetes.io/pvc-protection, added by kube-controller-manager to every claim.
  delete meta.finalizers;
  for (const key of Object.keys(meta.annotations ?? {})) {
    if (serverAnnotations.some((pattern) => pattern.test(key))) delete meta.annotations[key];
  }
  if (meta.annotations && Object.keys(meta.annotations).length === 0) delete meta.annotations;
  for (const ref of meta.ownerReferences ?? []) delete ref.uid;
  delete copy.status;
  if (copy.kind === 'Service') {
    delete copy.spec.clusterIP;
    delete copy.spec.clusterIPs;
  }
  if (copy.kind === 'PersistentVolumeClaim') delete copy.spec.volumeName;
  return copy;
}

/** The children in a namespace as they are, by `Kind/name` (the root CA ConfigMap of every namespace left out). */
export async function listChildren(admin: Client, namespace: string): Promise<Map<string, Tree>> {
  const children = new Map<string, Tree>();
  for (const type of childKinds) {
    const list = await admin.list<Tree>(type, { namespace });
    for (const item of list.items) {
      if (type.kind === 'ConfigMap' && item.metadata.name === 'kube-root-ca.crt') continue;
      children.set(`${type.kind}/${item.metadata.name}`, { ...item, ...type });
    }
  }
  return children;
}

/** The children in a namespace, by `Kind/name`, normalised. */
export async function childrenIn(admin: Client, namespace: string): Promise<Map<string, Tree>> {
  const children = await listChildren(admin, namespace);
  for (const [key, child] of children) children.set(key, normalise(child));
  return children;
}

/** One leaf that differs: `path` from the object root with list indices as `[n]`; `undefined` = absent. */
export interface Difference {
  readonly kind: string;
  readonly name: string;
  readonly path: string;
  readonly go: unknown;
  readonly dsoi: unknown;
}

/** Leaf by leaf; a subtree only one side has is reported by its leaves, so each is declared on its own. */
function leaves(a: unknown, b: unknown, path: string, out: { path: string; a: unknown; b: unknown }[]): void {
  const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null;
  const tree = (v: unknown, other: unknown) =>
    v === undefined && isTree(other) ? (Array.isArray(other) ? [] : {}) : v;
  const [x, y] = [tree(a, b), tree(b, a)];
  if (isTree(x) && isTree(y) && Array.isArray(x) === Array.isArray(y) && (a !== undefined || b !== undefined)) {
    const keys = Array.isArray(x)
      ? [...Array(Math.max(x.length, (y as unknown[]).length)).keys()]
      : [...new Set([...Object.keys(x), ...Object.keys(y)])];
    for (const key of keys) {
      const next = typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      leaves((x as Tree)[key], (y as Tree)[key], next, out);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, a, b });
}

/** Every leaf difference between the Go operator's children and ours. */
export function diffChildren(go: Map<string, Tree>, dsoi: Map<string, Tree>): Difference[] {
  const differences: Difference[] = [];
  for (const key of [...new Set([...go.keys(), ...dsoi.keys()])].sort()) {
    const [kind, name] = key.split('/') as [string, string];
    const out: { path: string; a: unknown; b: unknown }[] = [];
    leaves(go.get(key), dsoi.get(key), '', out);
    for (const { path, a, b } of out) differences.push({ kind, name, path, go: a, dsoi: b });
  }
  return differences;
}
