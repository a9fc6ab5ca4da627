/**
 * The Pinot cluster reconcile: the library's DSOI reconciler with Pinot's mapping (spec → children in
 * `deploymentOrder`), its default status (Ready, Progressing, Degraded, waitingOn, rollout times) and one quirk: the
 * field manager, so children adopted from the Go operator lose the fields it set and we no longer do.
 */

import type { Client } from '@dsoi/client';
import type { EventRecorder } from '@dsoi/events';
import type { TypeMeta } from '@dsoi/object';
import type { ReconcileFunction } from '@dsoi/reconcile';
import { createDsoiReconciler } from '@dsoi/reconcile/dsoi';
import { type Pinot, type PinotSpec, pinotSpecSchema } from '../api/pinot.ts';
import { desiredPinotChildren } from './desiredChildren.ts';

/** The kinds a Pinot cluster owns: their events wake the reconcile, so drift is repaired at once. */
export const pinotOwnedKinds: readonly TypeMeta[] = Object.freeze([
  { apiVersion: 'v1', kind: 'ConfigMap' },
  // Config files that carry a credential (deep storage, passwords) and credential literals of k8sConfig.env.
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
]);

/** Options of {@link createPinotReconciler}. */
export interface PinotReconcilerOptions {
  /** Where writes go (`get` and `patch`: taking over fields the Go operator set, see `fieldManager`). */
  readonly client: Pick<Client, 'apply' | 'delete' | 'patchStatus' | 'get' | 'patch'>;
  /**
   * The client's field manager: children adopted from the Go operator (or hand-edited) lose the spec fields we no
   * longer set, such as its config-hash env var, in the one write that adopts them. @default none (they stay)
   */
  readonly fieldManager?: string;
  /** Records Events on the Pinot CR. */
  readonly recorder: Pick<EventRecorder, 'record'>;
  /** The periodic re-check (the Go operator's `RECONCILE_WAIT`). */
  readonly reconcileWaitMs: number;
  /**
   * Pass privileged pod settings of the CR through (`--allow-privileged-pods`): hostPath volumes, host ports,
   * Service externalIPs, a ServiceAccount. @default false (a CR with one gets InvalidSpec naming the field; no child is written)
   */
  readonly allowPrivilegedPods?: boolean;
}

/**
 * Creates the reconcile function of the Pinot cluster controller. No finalizer (as in the Go operator): children
 * carry a controller ownerReference and the garbage collector removes them with the CR.
 */
export function createPinotReconciler(options: PinotReconcilerOptions): ReconcileFunction<Pinot> {
  const { client, recorder, reconcileWaitMs, fieldManager, allowPrivilegedPods = false } = options;
  return createDsoiReconciler<Pinot, PinotSpec>({
    spec: pinotSpecSchema,
    desired: (pinot, spec) => desiredPinotChildren(pinot, spec, { allowPrivilegedPods }),
    client,
    recorder,
    requeueAfterMs: reconcileWaitMs,
    ...(fieldManager && { fieldManager }),
  });
}
