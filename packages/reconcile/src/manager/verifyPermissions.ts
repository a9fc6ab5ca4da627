/**
 * The manager's permission gate at start-up: runs {@link checkPermissions} on everything the operator needs, logs
 * what it found, and refuses to go on when RBAC denies something.
 */
import type { Client } from '@dsoi/client';
import { MissingPermissionsError } from '../errors.js';
import type { Logger } from '../logger.js';
import { checkPermissions, type PermissionCheckResult } from './checkPermissions.js';
import type { PermissionRequest, RequiredPermission } from './requiredPermissions.js';

/** What `/metrics` behind `metricsAuth` makes the operator do: both reviews, cluster-wide. */
export const metricsAuthPermissions: readonly PermissionRequest[] = [
  {
    verbs: ['create'],
    group: 'authentication.k8s.io',
    resource: 'tokenreviews',
    purpose: 'authenticates scrapers of /metrics',
  },
  {
    verbs: ['create'],
    group: 'authorization.k8s.io',
    resource: 'subjectaccessreviews',
    purpose: 'authorises scrapers of /metrics',
  },
];

/** Options of {@link verifyPermissions}. */
export interface VerifyPermissionsOptions {
  /** The operator's name, in the error. */
  readonly name: string;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/**
 * Checks `required` with `client` (the unguarded one: access reviews are creates, made before this instance leads).
 * Resolves when everything is granted, and also when the check itself could not run (logged: the manager starts as
 * without it). Errors: rejects with a `MissingPermissionsError` listing every denied permission, and with the
 * signal's reason when it aborts.
 */
export async function verifyPermissions(
  client: Client,
  required: readonly RequiredPermission[],
  { name, logger, signal }: VerifyPermissionsOptions,
): Promise<void> {
  let result: PermissionCheckResult;
  try {
    result = await checkPermissions(client, required, { signal });
  } catch (err) {
    if (signal.aborted) throw err;
    // The check could not run (the API server failed it, retries included): say so, and start as without it.
    logger.warn({ err }, 'could not check permissions; starting without the check');
    return;
  }
  if (result.unknownKinds.length > 0) {
    const kinds = result.unknownKinds.map((type) => `${type.apiVersion} ${type.kind}`);
    logger.warn({ kinds }, 'not served by the API server (yet): permissions on these kinds were not checked');
  }
  if (result.missing.length > 0) {
    const error = new MissingPermissionsError(name, result.missing);
    logger.error({ missing: result.missing.length, checked: result.checked, err: error }, 'missing permissions');
    throw error;
  }
  logger.info({ checked: result.checked }, 'permissions checked: all granted');
}
