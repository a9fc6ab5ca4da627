/**
 * The shapes every client method speaks beyond the object model: a reference or an object, a list page, the
 * `KubeConfig` it reads. The model's own names, once defined here, are deprecated aliases of `@dsoi/object`. Types only.
 */
import type * as Model from '@dsoi/object';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * The two `KubeConfig` methods the client uses. Structural, so a `KubeConfig` from another copy or version of
 * `@kubernetes/client-node` fits too (the class has private members, which would make it nominal).
 */
export type KubeConfigSource = Pick<KubeConfig, 'getCurrentCluster' | 'applyToHTTPSOptions'>;

/** Methods that take a reference also take the object itself (its `apiVersion`, `kind` and `metadata`). */
export type ObjectRefOrObject = Model.ObjectRef | Model.KubeObject;

/** A page of a list: the items (each with `apiVersion` and `kind` filled in) and the list's metadata. */
export interface ObjectList<TObject extends Model.KubeObject = Model.KubeObject> {
  readonly apiVersion: string;
  /** `<Kind>List`, e.g. `ConfigMapList`. */
  readonly kind: string;
  readonly metadata: {
    /** The snapshot the list reflects; start a watch from here. */
    readonly resourceVersion?: string;
    /** Pass as `continue` to read the next page; absent on the last page. */
    readonly continue?: string;
    /** Estimated items after this page, when the server knows. */
    readonly remainingItemCount?: number;
  };
  readonly items: Model.Live<TObject>[];
}

/** @deprecated Import `KubeObject` from `@dsoi/object`, the one object model of every dsoi package. */
export type KubeObject<TSpec = unknown, TStatus = unknown> = Model.KubeObject<TSpec, TStatus>;
/** @deprecated Import `Live` from `@dsoi/object`, the one object model of every dsoi package. */
export type Live<TObject extends Model.KubeObject = Model.KubeObject> = Model.Live<TObject>;
/** @deprecated Import `ServerFields` from `@dsoi/object`, the one object model of every dsoi package. */
export type ServerFields = Model.ServerFields;
/** @deprecated Import `TypeMeta` from `@dsoi/object`, the one object model of every dsoi package. */
export type TypeMeta = Model.TypeMeta;
/** @deprecated Import `ObjectRef` from `@dsoi/object`, the one object model of every dsoi package. */
export type ObjectRef = Model.ObjectRef;
