/** How one object names another: its kind (`TypeMeta`) and, for one object, its name (`ObjectRef`). */

/** Which kind: `{ apiVersion: 'apps/v1', kind: 'StatefulSet' }`. */
export interface TypeMeta {
  /** The group and version, e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** The kind, e.g. `StatefulSet`. */
  readonly kind: string;
}

/**
 * One object by kind and name, shaped like the API's `ObjectReference`, so it goes as it is into a client call
 * (`{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'pinot', name: 'broker-config' }`) or an Event's `regarding`.
 */
export interface ObjectRef extends TypeMeta {
  /** The object's name. */
  readonly name: string;
  /** Required for namespaced kinds; absent (or ignored) for cluster-scoped ones. */
  readonly namespace?: string | undefined;
  /** The object's uid; when present, it tells apart two objects that had the same name at different times. */
  readonly uid?: string;
  /** The object's `resourceVersion` when the reference was taken. */
  readonly resourceVersion?: string;
  /** A part of the object, such as `'spec.containers{broker}'`. */
  readonly fieldPath?: string;
}
