/** The request of each kind of write: method, content type, query and whether a resend is safe. */
import type { KubeObject, ObjectRef } from '@dsoi/object';
import type { ApplyOptions, DeleteOptions, Patch, WriteOptions } from '../writer.js';
import type { CallSpec } from './caller.js';
import { checkFieldManager } from './objectRefs.js';

/** The content type of each patch type. */
export const patchContentTypes: Readonly<Record<Patch['type'], string>> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

/** A write of a whole object: the verb it is announced as, the operation it is reported as, and where it goes. */
export interface ObjectWrite {
  readonly verb: 'apply' | 'update' | 'create';
  readonly operation: string;
  readonly subresource: string | undefined;
}

/** The query of every write: the field manager (checked), validation, dry run and force. */
export function writeQuery(fieldManager: string, options: WriteOptions & { readonly force?: boolean | undefined }) {
  const manager = options.fieldManager ?? fieldManager;
  checkFieldManager(manager, 'write');
  return {
    fieldManager: manager,
    fieldValidation: options.fieldValidation,
    dryRun: options.dryRun ? 'All' : undefined,
    force: options.force ? true : undefined,
  };
}

/** The request of an apply, replace or create of `object` (at `ref`), to the object or its status. */
export function objectWriteSpec(
  write: ObjectWrite,
  ref: ObjectRef,
  { object, fieldManager, options }: { object: KubeObject; fieldManager: string; options: ApplyOptions },
): CallSpec {
  const { verb, operation, subresource } = write;
  return {
    operation,
    verb: verb === 'apply' ? 'patch' : verb,
    type: ref,
    namespace: ref.namespace,
    name: ref.name || undefined,
    subresource,
    query: writeQuery(fieldManager, verb === 'apply' ? options : { ...options, force: undefined }),
    body: object,
    collection: verb === 'create',
    ...objectWriteRequest(verb, object),
  };
}

function objectWriteRequest(verb: ObjectWrite['verb'], object: KubeObject) {
  switch (verb) {
    case 'apply':
      // Server-side apply is idempotent (the same intent twice gives the same result), so it is retried.
      return { method: 'PATCH', contentType: 'application/apply-patch+yaml', idempotent: true } as const;
    case 'create':
      return { method: 'POST', contentType: 'application/json', idempotent: false } as const;
    case 'update':
      // With a resourceVersion a replayed PUT cannot overwrite a newer write: it fails with a conflict.
      return {
        method: 'PUT',
        contentType: 'application/json',
        idempotent: object.metadata?.resourceVersion !== undefined,
      } as const;
  }
}

/** The request of a patch to the object or its status; a `TypeError` for an unknown patch type. */
export function patchSpec(
  write: Omit<ObjectWrite, 'verb'>,
  ref: ObjectRef,
  { patch, fieldManager, options }: { patch: Patch; fieldManager: string; options: WriteOptions },
): CallSpec {
  const { operation, subresource } = write;
  const contentType = patchContentTypes[patch.type];
  if (contentType === undefined) {
    throw new TypeError(`${operation}: patch.type must be 'merge', 'strategic' or 'json' (got ${String(patch.type)})`);
  }
  return {
    operation,
    verb: 'patch',
    type: ref,
    namespace: ref.namespace,
    name: ref.name,
    subresource,
    method: 'PATCH',
    query: writeQuery(fieldManager, options),
    body: patch.body,
    contentType,
    // Merge patches are idempotent (RFC 7386); a JSON patch may add to an array twice.
    idempotent: patch.type !== 'json',
  };
}

/** The request of a delete, its options as a `DeleteOptions` body. */
export function deleteSpec(ref: ObjectRef, options: DeleteOptions): CallSpec {
  const body = {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    propagationPolicy: options.propagationPolicy,
    gracePeriodSeconds: options.gracePeriodSeconds,
    preconditions: options.preconditions,
    dryRun: options.dryRun ? ['All'] : undefined,
  };
  return {
    operation: 'delete',
    verb: 'delete',
    type: ref,
    namespace: ref.namespace,
    name: ref.name,
    method: 'DELETE',
    body,
    contentType: 'application/json',
    idempotent: true,
  };
}
