/**
 * The ParseableTenant reconcile: the library's DSOI reconciler with Parseable's mapping (spec → children in
 * `deploymentOrder`, data claims retained or controlled as `persistentVolumeClaimRetentionPolicy` says) and its
 * default status (Ready, Progressing, Degraded, waitingOn, rollout times).
 */

import type { Client } from '@dsoi/client';
import type { EventRecorder } from '@dsoi/events';
import type { TypeMeta } from '@dsoi/object';
import type { ReconcileFunction } from '@dsoi/reconcile';
import { createDsoiReconciler } from '@dsoi/reconcile/dsoi';
import { type ParseableTenant, type ParseableTenantSpec, parseableTenantSpecSchema } from '../api/parseableTenant.ts';
import { desiredTenantChildren } from './desiredChildren.ts';

/**
 * The kinds a tenant owns: their events wake the reconcile (drift is repaired at once) and owned ones no longer
 * desired are pruned. PersistentVolumeClaims are deliberately not among them: a data claim is never pruned.
 */
export const tenantOwnedKinds: readonly TypeMeta[] = Object.freeze([
  { apiVersion: 'v1', kind: 'ConfigMap' },
  // The credentials of a config group (P_PASSWORD, P_S3_SECRET_KEY, ...): never in a ConfigMap.
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
]);

/** The PersistentVolumeClaim kind: watched (not owned), since a retained claim has no owner. */
export const persistentVolumeClaimType = Object.freeze({ apiVersion: 'v1', kind: 'PersistentVolumeClaim' });

/** Options of {@link createTenantReconciler}. */
export interface TenantReconcilerOptions {
  /** Where writes go (`patch`: releasing a claim a previous operator made owned by the tenant). */
  readonly client: Pick<Client, 'apply' | 'patch' | 'delete' | 'patchStatus'>;
  /** Records Events on the tenant. */
  readonly recorder: Pick<EventRecorder, 'record'>;
  /** The periodic re-check of a tenant (`RECONCILE_WAIT`). */
  readonly reconcileWaitMs: number;
  /**
   * Pass privileged pod settings of the CR through (`--allow-privileged-pods`): hostPath volumes, host ports,
   * Service externalIPs, a ServiceAccount. @default false (a CR with one gets InvalidSpec naming the field; no child is written)
   */
  readonly allowPrivilegedPods?: boolean;
}

/**
 * Creates the reconcile function of the ParseableTenant controller. No finalizer (as in the Go operator): owned
 * children carry a controller ownerReference and the garbage collector removes them with the tenant; retained data
 * claims carry none and stay.
 */
export function createTenantReconciler(options: TenantReconcilerOptions): ReconcileFunction<ParseableTenant> {
  const { client, recorder, reconcileWaitMs, allowPrivilegedPods = false } = options;
  return createDsoiReconciler<ParseableTenant, ParseableTenantSpec>({
    spec: parseableTenantSpecSchema,
    desired: (tenant, spec) => desiredTenantChildren(tenant, spec, { allowPrivilegedPods }),
    client,
    recorder,
    requeueAfterMs: reconcileWaitMs,
  });
}
