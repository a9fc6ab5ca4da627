/** The shapes every client method speaks: type identity, object references and lists. Types only. */
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * The smallest shape of a Kubernetes object the client reads. Any object type fits: `@kubernetes/client-node`
 * models, `@dsoi/builder` output, your CRD interfaces.
 */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly generateName?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    /** Labels, as every kind has them. */
    readonly labels?: Readonly<Record<string, string>>;
    /** Annotations, as every kind has them. */
    readonly annotations?: Readonly<Record<string, string>>;
    /** The objects this one belongs to; the one with `controller: true` is its controller. Fields as read. */
    readonly ownerReferences?: readonly {
      readonly apiVersion?: string;
      readonly kind?: string;
      readonly name?: string;
      readonly uid?: string;
      readonly controller?: boolean;
      readonly blockOwnerDeletion?: boolean;
    }[];
  };
}
/**
 * The two `KubeConfig` methods the client uses. Structural, so a `KubeConfig` from another copy or version of
 * `@kubernetes/client-node` fits too (the class has private members, which would make it nominal).
 */
export type KubeConfigSource = Pick<KubeConfig, 'getCurrentCluster' | 'applyToHTTPSOptions'>;

/** The fields the API server sets on every object it returns. */
export interface ServerFields {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly uid: string; readonly resourceVersion: string };
}

/** An object as the API server returns it: `TObject` with `apiVersion`, `kind`, name, uid and resourceVersion set. */
export type Live<TObject extends KubeObject> = TObject & ServerFields;

/** Which kind: `{ apiVersion: 'apps/v1', kind: 'StatefulSet' }`. */
export interface TypeMeta {
  readonly apiVersion: string;
  readonly kind: string;
}

/** One object by name: `{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'pinot', name: 'broker-config' }`. */
export interface ObjectRef extends TypeMeta {
  readonly name: string;
  /** Required for namespaced kinds; ignored for cluster-scoped ones. */
  readonly namespace?: string | undefined;
}

/** Methods that take a reference also take the object itself (its `apiVersion`, `kind` and `metadata`). */
export type ObjectRefOrObject = ObjectRef | KubeObject;

/** A page of a list: the items (each with `apiVersion` and `kind` filled in) and the list's metadata. */
export interface ObjectList<TObject extends KubeObject = KubeObject> {
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
  readonly items: Live<TObject>[];
}
