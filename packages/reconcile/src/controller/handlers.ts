/** Maps watch events to reconcile keys: the object itself, its controlling owner, or anything a function returns. */
import type { KubeObject, TypeMeta } from '@dsoi/object';

/** Which object to reconcile. `namespace` is absent for cluster-scoped kinds. */
export interface ReconcileRequest {
  readonly namespace?: string | undefined;
  readonly name: string;
}

/** Maps an object of a watched kind to the requests it should trigger. */
export type EventHandler = (object: KubeObject) => readonly ReconcileRequest[];

/** The queue key: `namespace/name`, or `name` for cluster-scoped objects. */
export function keyOf(request: ReconcileRequest): string {
  return request.namespace ? `${request.namespace}/${request.name}` : request.name;
}

/** The request of a key made by {@link keyOf}. */
export function parseKey(key: string): ReconcileRequest {
  const slash = key.indexOf('/');
  return slash === -1 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The object's own key. */
export const enqueueSelf: EventHandler = (object) =>
  object.metadata?.name ? [{ namespace: object.metadata.namespace, name: object.metadata.name }] : [];

interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly controller?: boolean;
}

/**
 * The key of the object's controlling owner when that owner is of kind `owner` (group must match; the version may
 * differ, as an ownerReference keeps the version it was written with). Owners live in the child's namespace.
 */
export function enqueueOwner(owner: TypeMeta): EventHandler {
  const group = groupOf(owner.apiVersion);
  return (object) => {
    const refs =
      (object.metadata as { ownerReferences?: readonly OwnerReference[] } | undefined)?.ownerReferences ?? [];
    const ref = refs.find((r) => r.controller === true && r.kind === owner.kind && groupOf(r.apiVersion) === group);
    return ref ? [{ namespace: object.metadata?.namespace, name: ref.name }] : [];
  };
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}
