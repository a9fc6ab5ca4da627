/**
 * The ParseableTenant reconcile: desired children → retained data claims → `reconcileChildren` (server-side apply,
 * ordered rollout in `deploymentOrder`, pruning of every owned kind) → status. Bad input never throws out of here: it
 * becomes a Warning event and an `InvalidSpec` condition naming the field, and other tenants keep reconciling.
 */
import type { Client, TypeMeta } from '@dsoi/client';
import type { EventRecorder } from '@dsoi/events';
import {
  ChildrenError,
  type ChildrenReport,
  done,
  type ReconcileFunction,
  reconcileChildren,
  requeueAfter,
  updateStatus,
} from '@dsoi/reconcile';
import type { ParseableTenant } from '../api/parseableTenant.ts';
import { desiredTenantChildren, type TenantChildren, type TenantOwner } from './desiredChildren.ts';
import { applyRetainedClaims } from './retainedClaims.ts';
import { describeProblems, InvalidSpecError } from './specProblems.ts';
import { type TenantOutcome, tenantStatus } from './tenantStatus.ts';

/**
 * The kinds a tenant owns: their events wake the reconcile (drift is repaired at once) and owned ones no longer
 * desired are pruned. PersistentVolumeClaims are deliberately not among them: a data claim is never pruned.
 */
export const tenantOwnedKinds: readonly TypeMeta[] = Object.freeze([
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
]);

/** Options of {@link createTenantReconciler}. */
export interface TenantReconcilerOptions {
  /** Where writes go. */
  readonly client: Pick<Client, 'apply' | 'patch' | 'delete' | 'patchStatus'>;
  /** Records Events on the tenant. */
  readonly recorder: Pick<EventRecorder, 'record'>;
  /** The periodic re-check of a tenant (`RECONCILE_WAIT`). */
  readonly reconcileWaitMs: number;
}

function refOf(tenant: ParseableTenant) {
  const { name, namespace, uid } = tenant.metadata;
  return { apiVersion: tenant.apiVersion, kind: tenant.kind, name, namespace, uid };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Creates the reconcile function of the ParseableTenant controller. */
export function createTenantReconciler(options: TenantReconcilerOptions): ReconcileFunction<ParseableTenant> {
  const { client, recorder, reconcileWaitMs } = options;
  return async ({ object, cache, signal, log }) => {
    // No finalizer (as in the Go operator): owned children carry a controller ownerReference and the garbage
    // collector removes them with the tenant; retained data claims carry none and stay.
    if (!object || object.metadata.deletionTimestamp) return done();
    const generation = object.metadata.generation ?? 0;
    const writeStatus = (outcome: TenantOutcome) =>
      updateStatus(client, object, tenantStatus(object.status, outcome, generation), { signal });
    let desired: TenantChildren;
    try {
      desired = desiredTenantChildren(object as TenantOwner);
    } catch (err) {
      if (!(err instanceof InvalidSpecError)) throw err;
      log.warn({ problems: err.problems }, 'invalid spec; children left as they are');
      const note = describeProblems(err.problems);
      recorder.record({ regarding: refOf(object), type: 'Warning', reason: 'InvalidSpec', action: 'Validate', note });
      await writeStatus({ kind: 'invalid', problems: err.problems });
      // Retrying cannot help until the spec changes, and a spec change is an event.
      return done();
    }
    // Claims before the workloads that mount them (the Go operator created them after).
    const claims = await applyRetainedClaims({
      owner: object,
      ownerRef: refOf(object),
      claims: desired.retainedClaims,
      client,
      cache,
      recorder,
      signal,
    });
    let report: ChildrenReport;
    let failure: ChildrenError | undefined;
    try {
      report = await reconcileChildren({ owner: object, desired: desired.children, client, cache, recorder, signal });
    } catch (err) {
      if (!(err instanceof ChildrenError)) throw err;
      failure = err;
      report = err.report as ChildrenReport;
    }
    const failures = [
      ...claims.failures,
      ...(failure?.failures ?? []).map((f) => `${f.ref.kind} ${f.ref.name}: ${errorText(f.error)}`),
    ];
    await writeStatus({
      kind: 'applied',
      report,
      nodeOfWorkload: desired.nodeOfWorkload,
      failures,
      claimWrites: claims.written,
    });
    // A failed write is retried with backoff; otherwise child events drive the rollout and the wait re-checks.
    if (failure) throw failure;
    if (claims.failures.length > 0) throw new Error(`data claims not written: ${claims.failures.join('; ')}`);
    return requeueAfter(reconcileWaitMs);
  };
}
