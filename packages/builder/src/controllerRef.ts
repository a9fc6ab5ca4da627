/** The controller owner reference that ties a child object to the custom resource that manages it. */
import type { KubeObject } from '@dsoi/object';
import type { V1OwnerReference } from '@kubernetes/client-node';
import { BuilderValidationError } from './errors.js';

/**
 * @deprecated {@link controllerRef} takes any `KubeObject` of `@dsoi/object`, the one object model of every dsoi
 * package; import that instead.
 */
export type OwnerObject = KubeObject;

/**
 * Returns the controller owner reference of `owner` (any object read from the API fits):
 * `{ apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true }`.
 *
 * A child must be in the owner's namespace (or the owner cluster-scoped): the garbage collector treats an owner in
 * another namespace as absent and deletes the child. `buildNodeWorkload` checks this; a caller of the plain builders
 * must ensure it.
 *
 * `blockOwnerDeletion` makes a foreground deletion of the owner wait for its children (the Go runtime left it unset).
 * Setting it needs the `delete` permission on the owner's kind (or `update` on its `finalizers` subresource).
 *
 * @throws BuilderValidationError (rule `required`) when the owner lacks `apiVersion`, `kind`, `metadata.name` or
 * `metadata.uid`. The uid exists only on an object read from the API server, never on a manifest.
 */
export function controllerRef(owner: KubeObject): V1OwnerReference {
  const apiVersion = required(owner.apiVersion, 'owner.apiVersion');
  const kind = required(owner.kind, 'owner.kind');
  const name = required(owner.metadata?.name, 'owner.metadata.name');
  const uid = required(
    owner.metadata?.uid,
    'owner.metadata.uid',
    '; the uid is assigned by the API server, so pass the owner as read from the server (or the store)',
  );
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

function required(value: unknown, field: string, hint = ''): string {
  if (typeof value !== 'string' || value === '') {
    throw new BuilderValidationError(field, 'required', value, `an owner reference needs a non-empty string${hint}`);
  }
  return value;
}
