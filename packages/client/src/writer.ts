/** The write seam: `Writer` (apply, patch, delete and their status forms), its options and the patch types. */
import type { KubeObject, Live } from '@dsoi/object';
import type { RequestOptions } from './reader.js';
import type { ObjectRefOrObject } from './types.js';

/** Options of writes. */
export interface WriteOptions extends RequestOptions {
  /** Validate and return the result without persisting it; nothing is announced on the bus. @default false */
  readonly dryRun?: boolean;
  /** Overrides the client's field manager for this write. @default the client's `fieldManager` */
  readonly fieldManager?: string;
  /** What the server does with unknown or duplicate fields. @default undefined (server default: `'Warn'`, `'Strict'` for apply) */
  readonly fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
}

/** Options of `apply` and `applyStatus`. */
export interface ApplyOptions extends WriteOptions {
  /** Take ownership of fields another field manager owns instead of failing with a `ConflictError`. @default false */
  readonly force?: boolean;
}

/** Options of `delete`. */
export interface DeleteOptions extends RequestOptions {
  /** What happens to dependents (objects whose ownerReferences name this one). @default undefined (the kind's default, usually `'Background'`) */
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  /** Seconds before a pod is killed; 0 deletes at once. @default undefined (the object's own grace period) */
  readonly gracePeriodSeconds?: number;
  /** Delete only if the live object still has this uid and/or resourceVersion (else `ConflictError`). @default none */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  /** Validate without deleting. @default false */
  readonly dryRun?: boolean;
}

/** One JSON Patch (RFC 6902) operation. */
export type JsonPatchOperation =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'move' | 'copy'; readonly from: string; readonly path: string };

/**
 * A patch: a JSON merge patch (RFC 7386), a strategic merge patch (built-in kinds only; a custom resource answers
 * 415) or a JSON patch (RFC 6902).
 */
export type Patch =
  | { readonly type: 'merge'; readonly body: object }
  | { readonly type: 'strategic'; readonly body: object }
  | { readonly type: 'json'; readonly body: readonly JsonPatchOperation[] };

/** The writes a reconciler needs: server-side apply, patch, delete, and the same for the status subresource. */
export interface Writer {
  /** Server-side apply of `object` (its fields are this field manager's intent); returns the live object. */
  apply<TObject extends KubeObject>(object: TObject, options?: ApplyOptions): Promise<Live<TObject>>;
  /** Patches an object; returns the live object. */
  patch<TObject extends KubeObject = KubeObject>(
    ref: ObjectRefOrObject,
    patch: Patch,
    options?: WriteOptions,
  ): Promise<Live<TObject>>;
  /** Deletes an object (resolves once the server accepted; finalizers may keep it a while). */
  delete(ref: ObjectRefOrObject, options?: DeleteOptions): Promise<void>;
  /** Server-side apply of `object.status` through the status subresource. */
  applyStatus<TObject extends KubeObject>(object: TObject, options?: ApplyOptions): Promise<Live<TObject>>;
  /** Patches the status subresource. */
  patchStatus<TObject extends KubeObject = KubeObject>(
    ref: ObjectRefOrObject,
    patch: Patch,
    options?: WriteOptions,
  ): Promise<Live<TObject>>;
}
