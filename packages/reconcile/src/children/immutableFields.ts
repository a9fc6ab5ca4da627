/**
 * Immutable fields of live children: kube-apiserver refuses any change to them (`spec: Forbidden: updates to
 * statefulset spec for fields other than ...`, `field is immutable`). A careful operator keeps the live value, says
 * which field differs and how to migrate, and never sends a write it knows will be refused.
 */
import { firstDifference } from '../internal/drift.js';

/** The fields kube-apiserver never lets an update change, by `apiVersion kind` (paths from the object's root). */
export const immutableFields: Readonly<Record<string, readonly string[]>> = Object.freeze({
  // apps/v1 ValidateStatefulSetUpdate: only replicas, ordinals, template, updateStrategy, minReadySeconds,
  // revisionHistoryLimit and persistentVolumeClaimRetentionPolicy may change.
  'apps/v1 StatefulSet': ['spec.selector', 'spec.serviceName', 'spec.volumeClaimTemplates', 'spec.podManagementPolicy'],
  'apps/v1 Deployment': ['spec.selector'],
  'apps/v1 ReplicaSet': ['spec.selector'],
  'apps/v1 DaemonSet': ['spec.selector'],
  'batch/v1 Job': ['spec.selector', 'spec.template', 'spec.completionMode'],
  // Once allocated (or set to None), a Service's cluster IPs only change by recreating it.
  'v1 Service': ['spec.clusterIP', 'spec.clusterIPs'],
});

/** A desired value of an immutable field that differs from the live one; the live value was kept. */
export interface KeptField {
  /** The immutable field, e.g. `spec.volumeClaimTemplates`. */
  readonly field: string;
  /** The first path inside it where the desired value is not in the live one. */
  readonly at: string;
  /** What to do to get the desired value, e.g. the orphan-delete recipe. */
  readonly migrate: string;
}

/** The object to apply (desired, with the live value of each immutable field) and the fields that differ. */
export interface ImmutablePlan {
  readonly object: object;
  readonly kept: readonly KeptField[];
  /**
   * Why the write would still be refused even with the live values kept (a live selector that does not select the
   * desired pod template's labels), or `undefined`.
   */
  readonly refusal: string | undefined;
}

type Tree = Record<string, unknown>;

function getPath(object: unknown, path: string): unknown {
  let value: unknown = object;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Tree)[key];
  }
  return value;
}

/** A copy of `object` with `path` set to `value` (removed when `undefined`); parents are copied, not mutated. */
function withPath(object: Tree, path: string, value: unknown): Tree {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  const copy = { ...object };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const child = copy[head];
  copy[head] = withPath(child !== null && typeof child === 'object' ? (child as Tree) : {}, rest.join('.'), value);
  return copy;
}

/** How to get a changed immutable field onto a live object of this kind. */
export function migrationRecipe(kind: string, name: string, namespace: string | undefined): string {
  const ns = namespace ? ` -n ${namespace}` : '';
  const resource = kind.toLowerCase();
  if (kind === 'StatefulSet' || kind === 'DaemonSet' || kind === 'ReplicaSet') {
    return (
      `delete the ${kind} but keep its pods and volumes (\`kubectl delete ${resource} ${name}${ns} --cascade=orphan\`); ` +
      `the operator recreates it with the desired value and it adopts the pods`
    );
  }
  return `delete the ${kind} (\`kubectl delete ${resource} ${name}${ns}\`); the operator recreates it with the desired value`;
}

function labelsOf(value: unknown): Record<string, string> {
  return value !== null && typeof value === 'object' ? (value as Record<string, string>) : {};
}

/**
 * Keeps the live value of each immutable field that the desired object sets, and lists those whose desired value is
 * not in the live one (compared as `findDrift` does: fields the server defaulted are not differences). Objects of
 * kinds without immutable fields come back unchanged.
 *
 * Guarantees: the returned object changes no immutable field of `live`; `kept` names each field that differs.
 * Caveat: a kept selector must still select the desired pod template; when it does not, `refusal` says so and the
 * write must not be sent.
 */
export function keepImmutableFields(desired: object, live: object): ImmutablePlan {
  const d = desired as Tree & { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };
  const fields = immutableFields[`${d.apiVersion} ${d.kind}`] ?? [];
  let object: Tree = d;
  const kept: KeptField[] = [];
  for (const field of fields) {
    const want = getPath(d, field);
    if (want === undefined) continue; // not ours to set: the live value stays whatever it is
    const have = getPath(live, field);
    const at = firstDifference(want, have, field);
    if (at !== undefined) {
      kept.push({ field, at, migrate: migrationRecipe(d.kind ?? '', d.metadata?.name ?? '', d.metadata?.namespace) });
    }
    // Even an equal value is replaced by the live one: these lists are atomic, and re-sending them without the
    // fields the first writer set (a claim template's metadata.namespace) would change them.
    object = withPath(object, field, have);
  }
  return { object, kept, refusal: selectorRefusal(object, kept) };
}

function selectorRefusal(object: Tree, kept: readonly KeptField[]): string | undefined {
  if (!kept.some((k) => k.field === 'spec.selector')) return undefined;
  const selector = labelsOf(getPath(object, 'spec.selector.matchLabels'));
  const podLabels = labelsOf(getPath(object, 'spec.template.metadata.labels'));
  const missing = Object.entries(selector).filter(([key, value]) => podLabels[key] !== value);
  if (missing.length === 0) return undefined;
  return `the live spec.selector (${missing.map(([k, v]) => `${k}=${v}`).join(', ')}) does not select the desired pod template labels`;
}
