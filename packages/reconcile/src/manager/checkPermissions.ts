/**
 * The start-up permission check: resolves each required permission's kind to its resource and asks the API server,
 * all at once, whether the operator's own identity may do it (SelfSubjectAccessReview, which every authenticated
 * user may create).
 */

import type { Client, ResourceMapping } from '@dsoi/client';
import { isKubeApiError, isUnknownKind } from '@dsoi/client/errors';
import type { TypeMeta } from '@dsoi/object';
import type { MissingPermission } from '../errors.js';
import { delay } from '../internal/signals.js';
import type { RequiredPermission } from './requiredPermissions.js';

/** What {@link checkPermissions} found. */
export interface PermissionCheckResult {
  /** Every denied permission (merged when several parts of the operator need the same one). */
  readonly missing: readonly MissingPermission[];
  /** How many distinct permissions were checked. */
  readonly checked: number;
  /** Kinds the server does not serve (yet; a CRD not installed): their permissions were not checked. */
  readonly unknownKinds: readonly TypeMeta[];
}

type PermissionClient = Pick<Client, 'create' | 'resourceMapping' | 'registerKind'>;

const reviewType = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview' } as const;

interface ReviewStatus {
  readonly allowed?: boolean;
  readonly reason?: string;
  readonly evaluationError?: string;
}

/** Options of {@link checkPermissions}. */
export interface CheckPermissionsOptions {
  readonly signal?: AbortSignal;
  /** Waits before each retry of a review that failed transiently. @default [250, 500, 1000, 2000] */
  readonly retryDelaysMs?: readonly number[];
}

/**
 * Checks `required` as the client's identity.
 *
 * Errors: whatever the client throws for the discovery or review requests once the retries are spent (a kind the
 * server does not serve is not an error: it is reported in `unknownKinds`). A review stores nothing, so one that
 * failed with a 5xx, a timeout or a connection error is sent again, which the client never does for a create.
 */
export async function checkPermissions(
  client: PermissionClient,
  required: readonly RequiredPermission[],
  options: CheckPermissionsOptions = {},
): Promise<PermissionCheckResult> {
  const { signal, retryDelaysMs = [250, 500, 1000, 2000] } = options;
  // Known to every API server since 1.6; registering it saves a discovery request.
  client.registerKind({ ...reviewType, plural: 'selfsubjectaccessreviews', namespaced: false });
  const mappings = await resolveKinds(client, required, signal);
  const distinct = distinctPermissions(required, mappings.found);
  const reviews = await Promise.all(
    distinct.map(async (permission) => {
      const status = await withRetries(() => review(client, permission, signal), retryDelaysMs, signal);
      const reason = status?.evaluationError || status?.reason;
      return status?.allowed === true ? undefined : { ...permission, ...(reason ? { reason } : {}) };
    }),
  );
  return {
    missing: reviews.filter((r): r is MissingPermission => r !== undefined),
    checked: distinct.length,
    unknownKinds: mappings.unknown,
  };
}

/** One SelfSubjectAccessReview; its answer. */
async function review(client: PermissionClient, permission: MissingPermission, signal?: AbortSignal) {
  const { verb, group, resource, subresource, namespace, name } = permission;
  const body = { ...reviewType, spec: { resourceAttributes: { verb, group, resource, subresource, namespace, name } } };
  const answer = await client.create<typeof body & { status?: ReviewStatus }>(body, signal ? { signal } : {});
  return answer.status;
}

const transientReasons: ReadonlySet<string> = new Set([
  'InternalError',
  'ServiceUnavailable',
  'Timeout',
  'ServerTimeout',
  'ConnectionError',
]);

async function withRetries<T>(attempt: () => Promise<T>, delaysMs: readonly number[], signal?: AbortSignal) {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (err) {
      const transient = isKubeApiError(err) && transientReasons.has(err.reason);
      if (!transient || retry >= delaysMs.length || signal?.aborted) throw err;
      await delay(delaysMs[retry]!, signal);
    }
  }
}

/** The resolved permissions, one per distinct (verb, resource, namespace, name), with everyone who needs each. */
function distinctPermissions(
  required: readonly RequiredPermission[],
  mappings: ReadonlyMap<string, ResourceMapping>,
): MissingPermission[] {
  const distinct = new Map<string, MissingPermission>();
  for (const need of required) {
    const resolved = resolve(need, mappings);
    if (!resolved) continue;
    const { verb, group, resource, subresource, namespace, name } = resolved;
    const key = JSON.stringify([verb, group, resource, subresource, namespace, name].map((part) => part ?? null));
    const known = distinct.get(key);
    if (!known) distinct.set(key, resolved);
    else if (!known.neededBy.includes(need.neededBy)) {
      distinct.set(key, { ...known, neededBy: [...known.neededBy, need.neededBy] });
    }
  }
  return [...distinct.values()];
}

const typeKey = (type: TypeMeta) => `${type.apiVersion}/${type.kind}`;

async function resolveKinds(client: PermissionClient, required: readonly RequiredPermission[], signal?: AbortSignal) {
  const types = new Map<string, TypeMeta>();
  for (const need of required) if (need.type) types.set(typeKey(need.type), need.type);
  const found = new Map<string, ResourceMapping>();
  const unknown: TypeMeta[] = [];
  await Promise.all(
    [...types.values()].map(async (type) => {
      try {
        found.set(typeKey(type), await client.resourceMapping(type, signal ? { signal } : {}));
      } catch (err) {
        // The informer of such a kind waits for its CRD; a check now would only guess the resource name.
        if (!isUnknownKind(err)) throw err;
        unknown.push({ apiVersion: type.apiVersion, kind: type.kind });
      }
    }),
  );
  return { found, unknown };
}

/** The permission as RBAC names it, or `undefined` when its kind is not served. */
function resolve(need: RequiredPermission, mappings: ReadonlyMap<string, ResourceMapping>) {
  const { verb, subresource, name, neededBy } = need;
  let group: string;
  let resource: string;
  let namespace = need.namespace;
  if (need.type) {
    const mapping = mappings.get(typeKey(need.type));
    if (!mapping) return undefined;
    group = mapping.group;
    resource = mapping.plural;
    if (!mapping.namespaced) namespace = undefined;
  } else {
    group = need.group ?? '';
    resource = need.resource ?? '';
  }
  return {
    verb,
    group,
    resource,
    ...(subresource === undefined ? {} : { subresource }),
    ...(namespace === undefined ? {} : { namespace }),
    ...(name === undefined ? {} : { name }),
    neededBy: [neededBy],
  } satisfies MissingPermission;
}
