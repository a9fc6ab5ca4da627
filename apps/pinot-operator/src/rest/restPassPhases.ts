/**
 * The phases of a REST pass, in order: spec → ownership → cluster → endpoint → finalizer → read → plan → push →
 * reload → status. A pass of an object being deleted ends in `finalizer` at the latest (the finalizer goes only once
 * Pinot confirmed the delete, or once nothing in Pinot is this CR's, or once the Pinot cluster CR is gone).
 */
import { done, type ReconcileResult, requeueAfter } from '@dsoi/reconcile';
import { describeProblems, InvalidSpecError, parseSpec } from '@dsoi/reconcile/dsoi';
import { EndpointError } from './controllerEndpoint.ts';
import { isOk, PinotApiError, truncate } from './pinotApiError.ts';
import { readPinotDocument } from './pinotDocument.ts';
import { createPinotHttpClient, PinotRequestError } from './pinotHttpClient.ts';
import { adoptAnnotation, managerOf, mayAdopt, ownedName } from './restOwnership.ts';
import type { AcceptedPush, PinotCall, RestPass, RestPassPhase } from './restPass.ts';
import { codeOf, emit, finalizeWith, flushStatus, recordIntent, recordOperation, setReady } from './restPass.ts';
import { pushDocument } from './restPush.ts';
import { planRestPush } from './restPushPlan.ts';
import { reloadSegments } from './segmentReload.ts';
import { semanticJsonEqual } from './semanticJson.ts';

/** One phase: `undefined` lets the pass go on, a result ends it. */
export type RestPhaseStep = (pass: RestPass) => Promise<ReconcileResult | undefined>;

/** The spec: a bad one is reported, never retried, and never blocks deletion. */
export async function readSpecPhase(pass: RestPass): Promise<ReconcileResult | undefined> {
  const { kind } = pass.env;
  try {
    const spec = parseSpec(kind.specSchema, pass.object.spec);
    const document = String(spec[kind.documentField]);
    const { name } = readPinotDocument(document, kind.nameKey, `spec["${kind.documentField}"]`);
    pass.target = { document, name };
  } catch (err) {
    if (!(err instanceof InvalidSpecError)) throw err;
    if (pass.deleting) return undefined;
    emit(pass, 'Warning', 'InvalidSpec', describeProblems(err.problems));
    setReady(pass, 'False', 'InvalidSpec', describeProblems(err.problems));
    await flushStatus(pass);
    return done();
  }
  return undefined;
}

/** What this CR owns in Pinot; another CR managing the same Pinot object stops the pass (issue 18). */
export async function ownershipPhase(pass: RestPass): Promise<ReconcileResult | undefined> {
  const { kind, accepted, listObjects, reconcileWaitMs } = pass.env;
  const { object, target } = pass;
  const entry = accepted.get(pass.acceptedKey);
  const uid = object.metadata.uid ?? '';
  pass.owned = (entry?.uid === uid ? entry.owned : undefined) ?? ownedName(kind, object);
  if (pass.deleting) {
    if (pass.owned !== undefined) return undefined;
    if (target) {
      emit(pass, 'Normal', 'PinotObjectKept', `left ${target.name} in Pinot: this ${kind.type.kind} did not create it`);
    }
    await finalizeWith(pass);
    return done();
  }
  const { namespace } = object.metadata;
  const manager = managerOf(kind, object, target!.name, listObjects(namespace));
  if (!manager) return undefined;
  const note = `spec["${kind.documentField}"]: ${target!.name} of Pinot cluster ${String(object.spec.pinotCluster)} is managed by ${kind.type.kind} ${namespace}/${manager.metadata.name}`;
  emit(pass, 'Warning', 'PinotNameConflict', note);
  setReady(pass, 'False', 'PinotNameConflict', note);
  await flushStatus(pass);
  return requeueAfter(reconcileWaitMs);
}

/** The cluster: gone while deleting → let go (its Pinot is gone too); gone otherwise → wait for it. */
export async function clusterPhase(pass: RestPass): Promise<ReconcileResult | undefined> {
  const { namespace } = pass.object.metadata;
  const clusterName = String(pass.object.spec.pinotCluster ?? '');
  const pinot = pass.env.getPinot(namespace, clusterName);
  if (pinot && !pinot.metadata.deletionTimestamp) {
    pass.pinot = pinot;
    return undefined;
  }
  if (pass.deleting) {
    const note = `Pinot cluster ${clusterName} is gone; finalizer removed without a call to Pinot`;
    emit(pass, 'Normal', 'PinotClusterGone', note);
    await finalizeWith(pass);
    return done();
  }
  setReady(pass, 'False', 'PinotClusterNotFound', `spec.pinotCluster: no Pinot ${namespace}/${clusterName}`);
  await flushStatus(pass);
  return requeueAfter(pass.env.reconcileWaitMs);
}

/** Where and how to call Pinot: an endpoint problem or a failed call is put in the status, then thrown (retried). */
export async function endpointPhase(pass: RestPass): Promise<ReconcileResult | undefined> {
  const { resolveEndpoint, httpTimeoutMs } = pass.env;
  const { signal } = pass.context;
  let endpoint: Awaited<ReturnType<typeof resolveEndpoint>>;
  try {
    endpoint = await resolveEndpoint(pass.pinot!, signal);
  } catch (err) {
    if (!(err instanceof EndpointError)) throw err;
    setReady(pass, 'False', err.reason, err.message);
    await flushStatus(pass);
    throw err;
  }
  const http = createPinotHttpClient({
    baseUrl: endpoint.baseUrl,
    ...(endpoint.credentials && { credentials: endpoint.credentials }),
    ...(endpoint.dispatcher && { dispatcher: endpoint.dispatcher }),
    timeoutMs: httpTimeoutMs,
    signal,
  });
  const call: PinotCall = async (what, method, path, body) => {
    try {
      const response = await http.request(method, path, body);
      // Rotated credentials: the next pass reads the Secrets again instead of reusing the cached ones.
      if (response.status === 401) endpoint.credentialsRejected();
      return response;
    } catch (err) {
      if (!(err instanceof PinotRequestError)) throw err;
      setReady(pass, 'False', `Pinot${err.reason}`, `${what}: ${err.message}`);
      await flushStatus(pass);
      throw err;
    }
  };
  pass.call = call;
  return undefined;
}

/** Deleting: the finalizer goes only after Pinot confirmed (2xx, or 404: already gone). Else: the finalizer is added. */
export async function finalizerPhase(pass: RestPass): Promise<ReconcileResult | undefined> {
  if (!pass.deleting) {
    await finalizeWith(pass);
    return undefined;
  }
  const { kind, accepted } = pass.env;
  const owned = pass.owned!;
  await finalizeWith(pass, async () => {
    const response = await pass.call!('delete', 'DELETE', kind.deletePath(owned, pass.object.spec));
    if (!isOk(response) && response.status !== 404) {
      recordOperation(pass, 'DeleteFail', false, response.body);
      const note = `DELETE ${owned}: HTTP ${response.status}: ${truncate(response.body, 300)}`;
      emit(pass, 'Warning', codeOf(pass, 'DeleteFail'), note);
      await flushStatus(pass);
      throw new PinotApiError(`delete ${kind.type.kind} ${owned}`, response);
    }
    emit(pass, 'Normal', codeOf(pass, 'DeleteSuccess'), `deleted ${owned} from Pinot`);
    accepted.delete(pass.acceptedKey);
  });
  return done();
}

/** Whether Pinot has an object of the target's name; an answer that is neither yes nor no is retried. */
export async function readPhase(pass: RestPass): Promise<ReconcileResult | undefined> {
  const { kind } = pass.env;
  const { name } = pass.target!;
  const answer = await pass.call!('read', 'GET', kind.getPath(name, pass.object.spec));
  const exists = kind.exists(answer, pass.object.spec);
  if (exists === undefined) {
    setReady(pass, 'False', 'PinotRequestFailed', `GET ${name}: HTTP ${answer.status}: ${truncate(answer.body, 300)}`);
    await flushStatus(pass);
    throw new PinotApiError(`read ${kind.type.kind} ${name}`, answer);
  }
  pass.exists = exists;
  return undefined;
}

/** What the push does (see `planRestPush`); an object of another owner in Pinot is left alone and reported. */
export async function planPhase(pass: RestPass): Promise<ReconcileResult | undefined> {
  const { kind, reconcileWaitMs } = pass.env;
  const { document, name } = pass.target!;
  const pushed = acceptedPush(pass);
  const current = pushed?.document ?? (pass.status[kind.currentField] as string | undefined);
  const facts = { exists: pass.exists!, mine: pass.owned === name, mayAdopt: mayAdopt(pass.object), current, document };
  pass.plan = planRestPush(facts);
  if (pass.plan !== 'notOwned') return undefined;
  const note = `${name} already exists in Pinot and this ${kind.type.kind} did not create it; set the annotation ${adoptAnnotation}: "true" to take it over`;
  emit(pass, 'Warning', 'PinotObjectNotOwned', note);
  setReady(pass, 'False', 'PinotObjectNotOwned', note);
  await flushStatus(pass);
  return requeueAfter(reconcileWaitMs);
}

/** Create or update per the plan; in sync, the status of the last push is written again if it was lost. */
export async function pushPhase(pass: RestPass): Promise<ReconcileResult | undefined> {
  const { kind } = pass.env;
  const { document, name } = pass.target!;
  if (pass.plan === 'create' || pass.plan === 'update') {
    await pushDocument(pass, pass.plan);
    return undefined;
  }
  const pushed = acceptedPush(pass);
  if (pushed && !semanticJsonEqual(pass.status[kind.currentField] as string | undefined, document))
    pass.status = { ...pass.status, ...pushed.status };
  pass.status = { ...pass.status, ownedInPinot: name };
  setReady(pass, 'True', 'Synced', `Pinot has the desired ${kind.type.kind}`);
  return undefined;
}

/** PinotTable: reload segments when the table's schema changed (in the reconcile, not in a watch filter). */
export async function reloadPhase(pass: RestPass): Promise<ReconcileResult | undefined> {
  const { schemaLookup } = pass.env;
  if (!schemaLookup || pass.object.spec.segmentReload !== true) return undefined;
  const reload = await reloadSegments({
    object: pass.object,
    status: pass.status,
    schemaLookup,
    call: pass.call!,
    tableName: pass.target!.name,
    recordIntent: (next) => recordIntent(pass, next),
  });
  pass.status = reload.status;
  if (reload.event) emit(pass, reload.event.type, reload.event.reason, reload.event.note);
  if (reload.error) {
    await flushStatus(pass);
    throw reload.error;
  }
  return undefined;
}

/** The status is written and the object checked again after `RECONCILE_WAIT`. */
export async function statusPhase(pass: RestPass): Promise<ReconcileResult | undefined> {
  await flushStatus(pass);
  return requeueAfter(pass.env.reconcileWaitMs);
}

/** The push Pinot accepted last from this very object (same uid), if this process remembers one. */
function acceptedPush(pass: RestPass): AcceptedPush | undefined {
  const entry = pass.env.accepted.get(pass.acceptedKey);
  return entry?.uid === (pass.object.metadata.uid ?? '') ? entry : undefined;
}

/** The phases in the order they run. */
export const restPassPhases: readonly (readonly [RestPassPhase, RestPhaseStep])[] = [
  ['spec', readSpecPhase],
  ['ownership', ownershipPhase],
  ['cluster', clusterPhase],
  ['endpoint', endpointPhase],
  ['finalizer', finalizerPhase],
  ['read', readPhase],
  ['plan', planPhase],
  ['push', pushPhase],
  ['reload', reloadPhase],
  ['status', statusPhase],
];

/** Runs the phases in order until one ends the pass; `pass.phase` is then the one that ended it (or threw). */
export async function runRestPass(pass: RestPass): Promise<ReconcileResult> {
  for (const [phase, run] of restPassPhases) {
    pass.phase = phase;
    const result = await run(pass);
    if (result !== undefined) return result;
  }
  throw new Error(`REST pass of ${pass.acceptedKey}: the last phase did not end the pass`);
}
