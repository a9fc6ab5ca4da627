/**
 * The Pinot cluster reconcile: desired children → `reconcileChildren` (server-side apply, ordered rollout in
 * `deploymentOrder`, pruning of every owned kind) → status. Bad input never throws out of here: it becomes a
 * Warning event and an `InvalidSpec` condition naming the field, and other CRs keep reconciling.
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
import type { Pinot, PinotStatus } from '../api/pinot.js';
import { desiredPinotChildren, type PinotOwner } from './desiredChildren.js';
import { type PinotOutcome, pinotStatus } from './pinotStatus.js';
import { describeProblems, InvalidSpecError } from './specProblems.js';

/** The kinds a Pinot cluster owns: their events wake the reconcile, so drift is repaired at once. */
export const pinotOwnedKinds: readonly TypeMeta[] = Object.freeze([
  { apiVersion: 'v1', kind: 'ConfigMap' },
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
}

function refOf(pinot: Pinot) {
  return {
    apiVersion: pinot.apiVersion,
    kind: pinot.kind,
    name: pinot.metadata.name,
    namespace: pinot.metadata.namespace,
    ...(pinot.metadata.uid && { uid: pinot.metadata.uid }),
  };
}

/** Status fields a merge patch must remove explicitly. */
function withRemovals(status: PinotStatus): Record<string, unknown> {
  return { ...status, waitingOn: status.waitingOn ?? null, rolloutFinishTime: status.rolloutFinishTime ?? null };
}

/** Creates the reconcile function of the Pinot cluster controller. */
export function createPinotReconciler(options: PinotReconcilerOptions): ReconcileFunction<Pinot> {
  const { client, recorder, reconcileWaitMs, fieldManager } = options;
  return async ({ object, cache, signal, log }) => {
    // No finalizer (as in the Go operator): children carry a controller ownerReference, the garbage collector
    // removes them with the CR.
    if (!object || object.metadata.deletionTimestamp) return done();
    const generation = object.metadata.generation ?? 0;
    const writeStatus = (outcome: PinotOutcome) =>
      updateStatus(client, object, withRemovals(pinotStatus(object.status, outcome, generation)), { signal });
    let desired: ReturnType<typeof desiredPinotChildren>;
    try {
      desired = desiredPinotChildren(object as unknown as PinotOwner);
    } catch (err) {
      if (!(err instanceof InvalidSpecError)) throw err;
      log.warn({ problems: err.problems }, 'invalid spec; children left as they are');
      recorder.record({
        regarding: refOf(object),
        type: 'Warning',
        reason: 'InvalidSpec',
        action: 'Validate',
        note: describeProblems(err.problems),
      });
      await writeStatus({ kind: 'invalid', problems: err.problems });
      // Retrying cannot help until the spec changes, and a spec change is an event.
      return done();
    }
    let report: ChildrenReport;
    let failure: ChildrenError | undefined;
    try {
      report = await reconcileChildren({
        owner: object as unknown as PinotOwner & Pinot,
        desired: desired.children,
        client,
        cache,
        recorder,
        signal,
        ...(fieldManager && { fieldManager }),
      });
    } catch (err) {
      if (!(err instanceof ChildrenError)) throw err;
      failure = err;
      report = err.report as ChildrenReport;
    }
    const failures = (failure?.failures ?? []).map(
      (f) => `${f.ref.kind} ${f.ref.name}: ${f.error instanceof Error ? f.error.message : String(f.error)}`,
    );
    await writeStatus({ kind: 'applied', report, nodeOfWorkload: desired.nodeOfWorkload, failures });
    // A failed write is retried with backoff; otherwise child events drive the rollout, and the wait re-checks.
    if (failure) throw failure;
    return requeueAfter(reconcileWaitMs);
  };
}
