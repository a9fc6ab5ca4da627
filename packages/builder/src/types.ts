/** Types shared by every builder: label maps, the common metadata options and the shape of a built object. */
import type { KubeObject } from '@dsoi/object';
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';

/** A label (or annotation) map: key to value. */
export type Labels = Record<string, string>;

/** The metadata every builder takes. Every field is validated; see each builder for its name rule. */
export interface ObjectMetaOptions {
  /** The object's name; the builder checks it against the rule of its kind (DNS-1123 subdomain for most kinds). */
  readonly name: string;
  /** The namespace, a DNS-1123 label. Every kind built here is namespaced. */
  readonly namespace: string;
  /**
   * Labels of the object; every key and value is validated.
   * @default {} (no `labels` field is written)
   */
  readonly labels?: Readonly<Labels>;
  /**
   * Annotations of the object; every key is validated.
   * @default {} (no `annotations` field is written)
   */
  readonly annotations?: Readonly<Labels>;
  /**
   * Owner references, typically `[controllerRef(owner)]`. At most one may have `controller: true`.
   * @default [] (no `ownerReferences` field is written)
   */
  readonly ownerReferences?: readonly V1OwnerReference[];
}

/**
 * The metadata of a built object: name and namespace are always present. A mapped copy of `V1ObjectMeta` (not the
 * class type itself), so that it is assignable to plain-object types such as `@dsoi/object`'s `KubeObject`.
 */
export type BuiltMetadata = Pick<V1ObjectMeta, keyof V1ObjectMeta> & { name: string; namespace: string };

/**
 * A built object: the client-node model type with `apiVersion`, `kind` and `metadata` present and narrowed.
 * It is a plain JSON-able object (no class instance), ready for server-side apply, assignable both to the model
 * type (`V1ConfigMap`, ...) and to the object model, `@dsoi/object`'s `KubeObject`.
 */
export type Built<TObject extends KubeObject, TApiVersion extends string, TKind extends string> = Omit<
  TObject,
  'apiVersion' | 'kind' | 'metadata'
> & {
  apiVersion: TApiVersion;
  kind: TKind;
  metadata: BuiltMetadata;
};
