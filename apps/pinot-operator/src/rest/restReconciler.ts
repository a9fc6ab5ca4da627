/**
 * The reconcile of PinotSchema, PinotTable and PinotTenant: push the JSON document to the Pinot controller (create
 * when missing, update when it differs semantically from what Pinot last accepted), keep an honest status, and on
 * deletion remove the finalizer only once Pinot confirmed the delete, or once the Pinot cluster CR itself is gone.
 * Each call runs one {@link RestPass} through its phases (`restPassPhases.ts`).
 */
import { done, type ReconcileFunction } from '@dsoi/reconcile';
import { type AcceptedPush, createRestPass, type RestObject, type RestPassEnvironment } from './restPass.ts';
import { runRestPass } from './restPassPhases.ts';

export type { RestObject } from './restPass.ts';

/** Options of {@link createRestReconciler}: what every pass of one kind needs (see `RestPassEnvironment`). */
export type RestReconcilerOptions = Omit<RestPassEnvironment, 'accepted'>;

/** Creates the reconcile function of one REST kind. */
export function createRestReconciler(options: RestReconcilerOptions): ReconcileFunction<RestObject> {
  // The pushes Pinot accepted, per object. An entry goes when its object is gone (the pass with no object), however
  // it went, so the map holds at most one entry per live object.
  const accepted = new Map<string, AcceptedPush>();
  const env: RestPassEnvironment = { ...options, accepted };
  return async ({ object, request, signal, log }) => {
    if (!object) {
      accepted.delete(`${request.namespace ?? ''}/${request.name}`);
      return done();
    }
    return runRestPass(createRestPass(env, object, { signal, log }));
  };
}
