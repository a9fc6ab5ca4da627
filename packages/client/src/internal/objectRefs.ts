/** Object references from what callers pass: a `{ apiVersion, kind, name, namespace }` or the object itself. */
import type { KubeObject, ObjectRef } from '@dsoi/object';
import type { ObjectRefOrObject } from '../types.js';

/** Whether `value` is an object with `metadata`: what the API server returns, and what callers may pass for a ref. */
export function isKubeObject(value: unknown): value is KubeObject {
  return typeof value === 'object' && value !== null && 'metadata' in value && value.metadata !== undefined;
}

/** A reference from either an `ObjectRef` or an object; throws a `TypeError` naming what is missing. */
export function toRef(target: ObjectRefOrObject, operation: string): ObjectRef {
  if (typeof target !== 'object' || target === null) {
    throw new TypeError(`${operation}: expected an object reference or an object, got ${String(target)}`);
  }
  const ref = target as Partial<ObjectRef>;
  // A top-level `name` makes it a reference; otherwise it is an object, named by its metadata.
  if (ref.name === undefined && isKubeObject(target)) return objectRef(target, operation, true);
  if (!ref.apiVersion || !ref.kind || !ref.name) {
    throw new TypeError(
      `${operation}: the reference needs apiVersion, kind and name (got ${JSON.stringify({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name })})`,
    );
  }
  return { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, namespace: ref.namespace || undefined };
}

/**
 * Kinds that are questions to the API server rather than stored objects: created without any metadata (the server
 * refuses a name) and answered in `status`.
 */
const reviewKinds: ReadonlySet<string> = new Set([
  'authorization.k8s.io/SelfSubjectAccessReview',
  'authorization.k8s.io/SubjectAccessReview',
  'authorization.k8s.io/LocalSubjectAccessReview',
  'authorization.k8s.io/SelfSubjectRulesReview',
  'authentication.k8s.io/TokenReview',
  'authentication.k8s.io/SelfSubjectReview',
]);

const isReview = (object: KubeObject) =>
  object.kind !== undefined && reviewKinds.has(`${object.apiVersion?.split('/')[0]}/${object.kind}`);

/**
 * The reference of an object about to be written; a create may go without a name when it has a `generateName`, and
 * the review kinds (SelfSubjectAccessReview, TokenReview, ...) without any.
 */
export function objectRef(object: KubeObject, operation: string, nameRequired: boolean): ObjectRef {
  const name = object.metadata?.name;
  const missing = [
    object.apiVersion ? undefined : 'apiVersion',
    object.kind ? undefined : 'kind',
    name || (!nameRequired && (object.metadata?.generateName || isReview(object))) ? undefined : 'metadata.name',
  ].filter((field) => field !== undefined);
  if (missing.length > 0) {
    const what = [object.apiVersion, object.kind, name].filter(Boolean).join(' ');
    throw new TypeError(`${operation}${what ? ` ${what}` : ''}: the object needs ${missing.join(', ')}`);
  }
  return {
    apiVersion: object.apiVersion!,
    kind: object.kind!,
    name: name ?? '',
    namespace: object.metadata?.namespace || undefined,
  };
}

/** Throws a `TypeError` unless `fieldManager` is 1-128 characters, as the API requires. */
export function checkFieldManager(fieldManager: string, where: string) {
  if (typeof fieldManager !== 'string' || fieldManager === '' || fieldManager.length > 128) {
    throw new TypeError(`${where}: fieldManager must be a non-empty string of at most 128 characters`);
  }
}
