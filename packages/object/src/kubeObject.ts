/** What a Kubernetes object is, in every dsoi package: `KubeObject`, narrowed by generics, and `Live`, as served. */
import type { ObjectMeta } from './objectMeta.js';

/**
 * Any Kubernetes object: `apiVersion`, `kind`, `metadata`, and a `spec` and `status` typed by `TSpec` and `TStatus`.
 * Every field is optional, so every object type fits as it is: `@kubernetes/client-node` models, `@dsoi/builder`
 * output, your CRD interfaces. Narrow it with its parameters (`KubeObject<PinotSpec, PinotStatus>`), with `Pick` where
 * a function reads only part of it, or with `Live` for an object the API server returned, rather than with a new
 * interface.
 */
export interface KubeObject<TSpec = unknown, TStatus = unknown> {
  /** The group and version, e.g. `apps/v1` or `v1`. */
  readonly apiVersion?: string;
  /** The kind, e.g. `StatefulSet`. */
  readonly kind?: string;
  /** Name, namespace, labels, owners, ... */
  readonly metadata?: ObjectMeta;
  /** The desired state, for kinds that have one. */
  readonly spec?: TSpec;
  /** The observed state, written through the status subresource. */
  readonly status?: TStatus;
}

/** The fields the API server sets on every object it returns. */
export interface ServerFields {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly uid: string; readonly resourceVersion: string };
}

/** An object as the API server returns it: `TObject` with `apiVersion`, `kind`, name, uid and resourceVersion set. */
export type Live<TObject extends KubeObject = KubeObject> = TObject & ServerFields;
