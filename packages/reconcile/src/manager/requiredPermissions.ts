/**
 * What an operator must be allowed to do, derived from its controllers (primary, owned and watched kinds and their
 * namespace scope), its leader election and what the app declares on top. Pure: the kinds are resolved later.
 */

import type { RequestVerb } from '@dsoi/client';
import type { TypeMeta } from '@dsoi/object';
import type { WatchSpec } from '../controller/controller.js';

/**
 * Something an operator does that RBAC must allow: `verbs` on a kind (resolved to its resource through the client's
 * resource mapping) or on a resource named directly (no discovery), optionally one subresource, namespace or object.
 */
export interface PermissionRequest {
  /** The RBAC verbs, e.g. `['get']`. */
  readonly verbs: readonly RequestVerb[];
  /** The kind, e.g. `{ apiVersion: 'v1', kind: 'Secret' }`. Give this or `resource`. */
  readonly type?: TypeMeta;
  /** The plural resource, e.g. `secrets`, when there is no kind to map (a REST call of your own). */
  readonly resource?: string;
  /** The API group of `resource`; `''` for the core group. Ignored with `type`. @default '' */
  readonly group?: string;
  /** A subresource, e.g. `status`. @default none */
  readonly subresource?: string;
  /**
   * The namespace. @default the controller's namespace for a controller's needs, all namespaces for the manager's
   * (a kind the server serves cluster-scoped is always checked cluster-wide)
   */
  readonly namespace?: string;
  /** One object's name, for rules that name `resourceNames`. @default any */
  readonly name?: string;
  /** What it is for, in the error message, e.g. `reads the auth Secret`. @default 'declared' */
  readonly purpose?: string;
}

/** What a controller's reconciler writes, beyond the watches the manager derives from `for`, `owns` and `watches`. */
export interface ControllerPermissions {
  /**
   * It writes the primary's status subresource (`updateStatus`): `patch` on `<for>/status`, and `get` on `<for>`
   * (after a write refused as a conflict, `updateStatus` reads the object fresh to tell a stale pass from a
   * metadata-only change). @default true
   */
  readonly status?: boolean;
  /** It adds and removes a finalizer on the primary (`finalize`): `patch` on `<for>`. @default false */
  readonly finalizer?: boolean;
  /** It records Events (the manager's `recorder`): `create` and `patch` on `events.k8s.io` events. @default true */
  readonly events?: boolean;
  /** Anything else it does (reads a Secret, writes a kind it does not own); namespace: the controller's. @default [] */
  readonly extra?: readonly PermissionRequest[];
}

/** The parts of a controller that decide what it needs. */
export interface ControllerNeeds {
  readonly name: string;
  readonly for: TypeMeta;
  readonly owns?: readonly TypeMeta[];
  readonly watches?: readonly Pick<WatchSpec, 'type' | 'namespace'>[];
  readonly namespace?: string;
  readonly permissions?: ControllerPermissions;
}

/** One verb the operator needs, and who needs it and why (for the error message). */
export interface RequiredPermission {
  readonly verb: RequestVerb;
  readonly type?: TypeMeta;
  readonly resource?: string;
  readonly group?: string;
  readonly subresource?: string;
  /** `undefined`: in every namespace. */
  readonly namespace?: string;
  readonly name?: string;
  /** E.g. `controller "pinot" (owns apps/v1 StatefulSet)`. */
  readonly neededBy: string;
}

/** Options of {@link requiredPermissions}. */
export interface RequiredPermissionsOptions {
  readonly controllers: readonly ControllerNeeds[];
  /** The Lease the manager elects a leader with. @default none */
  readonly leaderElection?: { readonly namespace: string; readonly leaseName: string };
  /** The app's own needs, outside any controller. @default [] */
  readonly extra?: readonly PermissionRequest[];
}

const readVerbs: readonly RequestVerb[] = ['list', 'watch'];
const eventType: TypeMeta = { apiVersion: 'events.k8s.io/v1', kind: 'Event' };
const leaseType: TypeMeta = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };

/**
 * The permissions the manager's pre-flight checks, one entry per verb:
 * - every watched kind (`for`, `owns`, `watches`): `list` and `watch`, in its namespace scope (the informers never
 *   `get`; the one `get` is `updateStatus`' fresh read of the primary after a conflict);
 * - every owned kind: `create` and `patch` (`reconcileChildren` writes by server-side apply, which creates a missing
 *   object) and `delete` (pruning);
 * - with owned kinds, `update` on `<for>/finalizers`: `reconcileChildren` sets `blockOwnerDeletion`, which the
 *   OwnerReferencesPermissionEnforcement admission plugin (OpenShift enables it) authorizes as that;
 * - `ControllerPermissions`: status `patch` (and `get` on the primary), finalizer `patch`, Events `create`/`patch`,
 *   and `extra`;
 * - leader election: `get`, `create`, `update` on the Lease; then the manager's `extra`.
 */
export function requiredPermissions(options: RequiredPermissionsOptions): RequiredPermission[] {
  const needs: RequiredPermission[] = [];
  const add = ({ verbs, name, purpose: _, ...target }: PermissionRequest, neededBy: string) => {
    if (!target.type && !target.resource) {
      throw new TypeError(`${neededBy}: a permission needs a type or a resource (got ${JSON.stringify(target)})`);
    }
    for (const verb of verbs) {
      // A create names no object yet: a `resourceNames` rule can never allow it, so never ask about a name.
      const named = name === undefined || verb === 'create' ? {} : { name };
      needs.push({ ...target, ...named, verb, neededBy });
    }
  };
  for (const controller of options.controllers) {
    const by = (why: string) => `controller "${controller.name}" (${why})`;
    const ns = controller.namespace === undefined ? {} : { namespace: controller.namespace };
    const { status = true, finalizer = false, events = true, extra = [] } = controller.permissions ?? {};
    const owns = controller.owns ?? [];
    add({ verbs: readVerbs, type: controller.for, ...ns }, by('watches its kind'));
    if (status) {
      add({ verbs: ['patch'], type: controller.for, subresource: 'status', ...ns }, by('writes status'));
      add({ verbs: ['get'], type: controller.for, ...ns }, by('reads it fresh after a status conflict'));
    }
    if (finalizer) add({ verbs: ['patch'], type: controller.for, ...ns }, by('adds and removes its finalizer'));
    if (owns.length > 0) {
      const why = 'sets blockOwnerDeletion on its children';
      add({ verbs: ['update'], type: controller.for, subresource: 'finalizers', ...ns }, by(why));
    }
    for (const type of owns) {
      const what = `${type.apiVersion} ${type.kind}`;
      add({ verbs: readVerbs, type, ...ns }, by(`watches owned ${what}`));
      add({ verbs: ['create', 'patch'], type, ...ns }, by(`applies owned ${what}`));
      add({ verbs: ['delete'], type, ...ns }, by(`prunes owned ${what}`));
    }
    for (const watch of controller.watches ?? []) {
      // The same precedence as the controller's informers: a watch's own `namespace` key wins.
      const { namespace } = { ...ns, ...watch };
      const scope = namespace === undefined ? {} : { namespace };
      add({ verbs: readVerbs, type: watch.type, ...scope }, by(`watches ${watch.type.apiVersion} ${watch.type.kind}`));
    }
    if (events) add({ verbs: ['create', 'patch'], type: eventType, ...ns }, by('records Events'));
    for (const request of extra) add({ ...ns, ...request }, by(request.purpose ?? 'declared'));
  }
  const election = options.leaderElection;
  if (election) {
    const lease = { type: leaseType, namespace: election.namespace, name: election.leaseName };
    add({ verbs: ['get', 'create', 'update'], ...lease }, 'leader election');
  }
  for (const request of options.extra ?? []) add(request, `the operator (${request.purpose ?? 'declared'})`);
  return needs;
}
