/** The metadata every Kubernetes object has (metav1.ObjectMeta), typed as objects are read: every field optional. */

/**
 * A reference from an object to one that owns it (metav1.OwnerReference); the one with `controller: true` is its
 * controller. Fields as read, so each is optional: check before you rely on one.
 */
export interface OwnerReference {
  /** The owner's API version, e.g. `datainfra.io/v1beta1`. */
  readonly apiVersion?: string;
  /** The owner's kind, e.g. `Pinot`. */
  readonly kind?: string;
  /** The owner's name. */
  readonly name?: string;
  /** The owner's uid; a reference matches an owner only with the same uid. */
  readonly uid?: string;
  /** Whether the owner is this object's controller (at most one reference has it). */
  readonly controller?: boolean;
  /** Whether a foreground deletion of the owner waits for this object. */
  readonly blockOwnerDeletion?: boolean;
}

/**
 * The metadata of any Kubernetes object: the fields of metav1.ObjectMeta that dsoi reads, all optional (a manifest
 * has only some of them; the API server sets the others). `@kubernetes/client-node`'s `V1ObjectMeta` fits.
 */
export interface ObjectMeta {
  /** The object's name, unique per kind and namespace. */
  readonly name?: string;
  /** A prefix the API server completes into a unique name when `name` is absent. */
  readonly generateName?: string;
  /** The namespace; absent for a cluster-scoped kind. */
  readonly namespace?: string;
  /** Set by the API server; tells apart two objects that had the same name at different times. */
  readonly uid?: string;
  /** Set by the API server on every change; a write that carries it fails with a conflict if the object moved on. */
  readonly resourceVersion?: string;
  /** Set by the API server; grows with each change of the spec (not of the status). */
  readonly generation?: number;
  /** When the object was created: an RFC 3339 string as read, a `Date` in `@kubernetes/client-node`'s models. */
  readonly creationTimestamp?: string | Date;
  /** When a delete was asked for; the object stays while it has finalizers. String as read, `Date` in the models. */
  readonly deletionTimestamp?: string | Date;
  /** Seconds the object is given to go away gracefully once deleted. */
  readonly deletionGracePeriodSeconds?: number;
  /** Labels: selected on by lists, watches and selectors. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations: any non-identifying data, such as dsoi's desired-state hash. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The objects this one belongs to; the garbage collector deletes it when its owners are gone. */
  readonly ownerReferences?: readonly OwnerReference[];
  /** Names of the finalizers that must each be removed before a deleted object goes. */
  readonly finalizers?: readonly string[];
}
