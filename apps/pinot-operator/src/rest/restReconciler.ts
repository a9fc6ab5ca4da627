/**
 * The reconcile of PinotSchema, PinotTable and PinotTenant: push the JSON document to the Pinot controller (create
 * when missing, update when it differs semantically from what Pinot last accepted), keep an honest status, and on
 * deletion remove the finalizer only once Pinot confirmed the delete, or once the Pinot cluster CR itself is gone.
 */
import type { Client } from '@dsoi/client';
import { ConnectionError, isConflict } from '@dsoi/client/errors';
import type { EventRecorder } from '@dsoi/events';
import {
  type Condition,
  done,
  finalize,
  type ReconcileFunction,
  requeueAfter,
  setCondition,
  updateStatus,
} from '@dsoi/reconcile';
import { toMetaTime } from '@dsoi/reconcile/controller';
import { describeProblems, InvalidSpecError, parseSpec } from '@dsoi/reconcile/dsoi';
import type { Pinot } from '../api/pinot.ts';
import type { PinotRestObject, PinotRestStatus } from '../api/pinotRest.ts';
import { EndpointError, type EndpointResolver } from './controllerEndpoint.ts';
import { readPinotDocument } from './pinotDocument.ts';
import {
  createPinotHttpClient,
  type PinotHttpClient,
  PinotRequestError,
  type PinotResponse,
} from './pinotHttpClient.ts';
import type { RestKind } from './restKinds.ts';
import { adoptAnnotation, managerOf, mayAdopt, ownedName } from './restOwnership.ts';
import { reloadSegments, type SchemaLookup } from './segmentReload.ts';
import { semanticJsonEqual } from './semanticJson.ts';

/** A REST-backed object as the reconcile sees it. */
export type RestObject = PinotRestObject<Record<string, unknown>>;

/** Options of {@link createRestReconciler}. */
export interface RestReconcilerOptions {
  readonly kind: RestKind;
  readonly client: Pick<Client, 'get' | 'patch' | 'patchStatus'>;
  readonly recorder: Pick<EventRecorder, 'record'>;
  /** The cached CRs of this kind in a namespace: who else names the same object in Pinot. */
  readonly listObjects: (namespace: string) => readonly RestObject[];
  /** The Pinot cluster CR by namespace and name, from the cache. */
  readonly getPinot: (namespace: string, name: string) => Pinot | undefined;
  readonly resolveEndpoint: EndpointResolver;
  /** The periodic re-check (`RECONCILE_WAIT`). */
  readonly reconcileWaitMs: number;
  /** Time allowed per Pinot request. */
  readonly httpTimeoutMs: number;
  /** PinotTable only: finds the pushed schema a table uses, for segment reloads. @default none */
  readonly schemaLookup?: SchemaLookup;
}

/** A Pinot call failed (a non-2xx answer): retried with backoff. The message names the call and Pinot's answer. */
export class PinotApiError extends Error {
  override readonly name = 'PinotApiError';
  readonly status: number;
  constructor(what: string, response: PinotResponse) {
    super(`${what}: HTTP ${response.status}: ${truncate(response.body, 300)}`);
    this.status = response.status;
  }
}

const maxReasonLength = 1024;
function truncate(text: string, max = maxReasonLength): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const ok = (response: PinotResponse) => response.status >= 200 && response.status < 300;

/** What the spec names in Pinot, or the problems. */
function readSpec(kind: RestKind, object: RestObject): { document: string; name: string } {
  const spec = parseSpec(kind.specSchema, object.spec);
  const document = String(spec[kind.documentField]);
  const { name } = readPinotDocument(document, kind.nameKey, `spec["${kind.documentField}"]`);
  return { document, name };
}

/** Creates the reconcile function of one REST kind. */
export function createRestReconciler(options: RestReconcilerOptions): ReconcileFunction<RestObject> {
  const {
    kind,
    client,
    recorder,
    listObjects,
    getPinot,
    resolveEndpoint,
    reconcileWaitMs,
    httpTimeoutMs,
    schemaLookup,
  } = options;
  const code = (suffix: string) => `${kind.codePrefix}${suffix}`;

  // The last document Pinot accepted, per object (`namespace/name`, for its uid), with the status that push wrote. The
  // cache can lag our own status patch by an event, so a reconcile woken by an earlier event would otherwise see an
  // empty status and push the same spec again; and when that status write itself failed, the next pass restores it
  // instead of keeping the old one. An entry goes when its object is gone (the pass with no object), however it went,
  // so the map holds at most one entry per live object.
  const accepted = new Map<
    string,
    { readonly uid: string; readonly document: string; readonly owned: string; readonly status: PinotRestStatus }
  >();
  return async ({ object, request, signal, log }) => {
    if (!object) {
      accepted.delete(`${request.namespace ?? ''}/${request.name}`);
      return done();
    }
    const acceptedKey = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const { namespace } = object.metadata;
    const deleting = Boolean(object.metadata.deletionTimestamp);
    const generation = object.metadata.generation ?? 0;
    const regarding = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      namespace,
      ...(object.metadata.uid && { uid: object.metadata.uid }),
    };
    const event = (type: 'Normal' | 'Warning', reason: string, note: string) =>
      recorder.record({ regarding, type, reason, action: 'Sync', note });
    let status: PinotRestStatus = { ...(object.status ?? {}) } as PinotRestStatus;
    const condition = (state: Condition['status'], reason: string, message: string) => {
      status.conditions = setCondition(status.conditions as Condition[] | undefined, {
        type: 'Ready',
        status: state,
        reason,
        message: truncate(message),
        observedGeneration: generation,
      });
    };
    /** Records an operation in the Go status fields (kept) and the Ready condition. */
    const operation = (suffix: string, success: boolean, body: string, extra: Record<string, unknown> = {}) => {
      status = {
        ...status,
        type: code(suffix),
        message: code(suffix),
        status: success ? 'True' : 'False',
        reason: truncate(body),
        lastUpdateTime: toMetaTime(new Date()),
        ...extra,
      };
      condition(
        success ? 'True' : 'False',
        code(suffix),
        success ? `Pinot accepted the ${kind.type.kind}` : `Pinot answered: ${truncate(body, 300)}`,
      );
    };
    /** After a rename, the old object goes from Pinot (it is this CR's: `owned`); a failure is reported, not retried. */
    const deleteRenamed = async (old: string) => {
      const response = await call('delete renamed', 'DELETE', kind.deletePath(old, object.spec));
      if (ok(response) || response.status === 404) {
        event('Normal', code('DeleteSuccess'), `deleted ${old} from Pinot (renamed)`);
      } else {
        event(
          'Warning',
          code('DeleteFail'),
          `DELETE ${old} (renamed): HTTP ${response.status}: ${truncate(response.body, 300)}`,
        );
      }
    };
    // The object as last written by this pass: after a segment reload's mark, later writes are guarded by its version.
    let written = object;
    const flush = () => updateStatus(client, written, { ...status, observedGeneration: generation }, { signal });
    const recordIntent = async (next: PinotRestStatus) => {
      written = await writeIntent(client, written, { ...next, observedGeneration: generation }, signal);
    };
    const removeFinalizer = async () => {
      await finalize({ client, object, finalizer: kind.finalizer, cleanup: async () => {}, signal });
    };

    // 1. The spec: a bad one is reported, never retried, and never blocks deletion.
    let target: { document: string; name: string } | undefined;
    try {
      target = readSpec(kind, object);
    } catch (err) {
      if (!(err instanceof InvalidSpecError)) throw err;
      if (!deleting) {
        event('Warning', 'InvalidSpec', describeProblems(err.problems));
        condition('False', 'InvalidSpec', describeProblems(err.problems));
        await flush();
        return done();
      }
    }
    const uid = object.metadata.uid ?? '';
    // What this CR owns in Pinot: it created or adopted it. Nothing else is ever updated or deleted (issue 18).
    const acceptedEntry = accepted.get(acceptedKey);
    const owned = (acceptedEntry?.uid === uid ? acceptedEntry.owned : undefined) ?? ownedName(kind, object);
    if (deleting && owned === undefined) {
      if (target) {
        event('Normal', 'PinotObjectKept', `left ${target.name} in Pinot: this ${kind.type.kind} did not create it`);
      }
      await removeFinalizer();
      return done();
    }
    if (!deleting) {
      const manager = managerOf(kind, object, target!.name, listObjects(namespace));
      if (manager) {
        const note = `spec["${kind.documentField}"]: ${target!.name} of Pinot cluster ${String(object.spec.pinotCluster)} is managed by ${kind.type.kind} ${namespace}/${manager.metadata.name}`;
        event('Warning', 'PinotNameConflict', note);
        condition('False', 'PinotNameConflict', note);
        await flush();
        return requeueAfter(reconcileWaitMs);
      }
    }

    // 2. The cluster: gone while deleting → let go (its Pinot is gone too); gone otherwise → wait for it.
    const clusterName = String((object.spec as { pinotCluster?: unknown }).pinotCluster ?? '');
    const pinot = getPinot(namespace, clusterName);
    if (!pinot || pinot.metadata.deletionTimestamp) {
      if (deleting) {
        event(
          'Normal',
          'PinotClusterGone',
          `Pinot cluster ${clusterName} is gone; finalizer removed without a call to Pinot`,
        );
        await removeFinalizer();
        return done();
      }
      condition('False', 'PinotClusterNotFound', `spec.pinotCluster: no Pinot ${namespace}/${clusterName}`);
      await flush();
      return requeueAfter(reconcileWaitMs);
    }

    // 3. Where and how to call Pinot.
    let http: PinotHttpClient;
    let credentialsRejected = () => {};
    try {
      const endpoint = await resolveEndpoint(pinot, signal);
      credentialsRejected = endpoint.credentialsRejected;
      http = createPinotHttpClient({
        baseUrl: endpoint.baseUrl,
        ...(endpoint.credentials && { credentials: endpoint.credentials }),
        ...(endpoint.dispatcher && { dispatcher: endpoint.dispatcher }),
        timeoutMs: httpTimeoutMs,
        signal,
      });
    } catch (err) {
      if (!(err instanceof EndpointError)) throw err;
      condition('False', err.reason, err.message);
      await flush();
      throw err;
    }
    const call = async (what: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: string) => {
      try {
        const response = await http.request(method, path, body);
        // Rotated credentials: the next pass reads the Secrets again instead of reusing the cached ones.
        if (response.status === 401) credentialsRejected();
        return response;
      } catch (err) {
        if (!(err instanceof PinotRequestError)) throw err;
        condition('False', `Pinot${err.reason}`, `${what}: ${err.message}`);
        await flush();
        throw err;
      }
    };

    // 4. Deletion: the finalizer goes only after Pinot confirmed (2xx, or 404: already gone).
    if (deleting) {
      await finalize({
        client,
        object,
        finalizer: kind.finalizer,
        signal,
        cleanup: async () => {
          const response = await call('delete', 'DELETE', kind.deletePath(owned!, object.spec));
          if (!ok(response) && response.status !== 404) {
            operation('DeleteFail', false, response.body);
            event(
              'Warning',
              code('DeleteFail'),
              `DELETE ${owned}: HTTP ${response.status}: ${truncate(response.body, 300)}`,
            );
            await flush();
            throw new PinotApiError(`delete ${kind.type.kind} ${owned}`, response);
          }
          event('Normal', code('DeleteSuccess'), `deleted ${owned} from Pinot`);
          accepted.delete(acceptedKey);
        },
      });
      return done();
    }
    await finalize({ client, object, finalizer: kind.finalizer, cleanup: async () => {}, signal });

    // 5. Create or update. "Exists in Pinot but our status is empty" (adoption) pushes the spec as an update.
    const { document, name } = target!;
    const entry = accepted.get(acceptedKey);
    const pushed = entry?.uid === uid ? entry : undefined;
    const current = pushed?.document ?? (status[kind.currentField] as string | undefined);
    const answer = await call('read', 'GET', kind.getPath(name, object.spec));
    const exists = kind.exists(answer, object.spec);
    if (exists === undefined) {
      condition('False', 'PinotRequestFailed', `GET ${name}: HTTP ${answer.status}: ${truncate(answer.body, 300)}`);
      await flush();
      throw new PinotApiError(`read ${kind.type.kind} ${name}`, answer);
    }
    const mine = owned === name;
    if (exists && !mine && !mayAdopt(object)) {
      const note = `${name} already exists in Pinot and this ${kind.type.kind} did not create it; set the annotation ${adoptAnnotation}: "true" to take it over`;
      event('Warning', 'PinotObjectNotOwned', note);
      condition('False', 'PinotObjectNotOwned', note);
      await flush();
      return requeueAfter(reconcileWaitMs);
    }
    if (!exists || !mine || !semanticJsonEqual(current, document)) {
      const creating = !exists;
      const response = creating
        ? await call('create', 'POST', kind.createPath(), document)
        : await call('update', 'PUT', kind.updatePath(name), document);
      const suffix = creating ? 'Create' : 'Update';
      if (!ok(response)) {
        operation(`${suffix}Fail`, false, response.body);
        event(
          'Warning',
          code(`${suffix}Fail`),
          `${suffix.toLowerCase()} ${name}: HTTP ${response.status}: ${truncate(response.body, 300)}`,
        );
        await flush();
        throw new PinotApiError(`${suffix.toLowerCase()} ${kind.type.kind} ${name}`, response);
      }
      operation(`${suffix}Success`, true, response.body, { [kind.currentField]: document, ownedInPinot: name });
      accepted.set(acceptedKey, { uid, document, owned: name, status: pickOperation(status, kind.currentField) });
      event(
        'Normal',
        code(`${suffix}Success`),
        `${creating ? 'created' : 'updated'} ${name} in Pinot${mine ? '' : ' (it existed: adopted)'}`,
      );
      if (owned !== undefined && owned !== name) await deleteRenamed(owned);
      log.info({ name, operation: suffix }, 'pushed to Pinot');
    } else {
      // Pinot has the document; if the status write of that push was lost, write the push's status again.
      if (pushed && !semanticJsonEqual(status[kind.currentField] as string | undefined, document)) {
        status = { ...status, ...pushed.status };
      }
      status = { ...status, ownedInPinot: name };
      condition('True', 'Synced', `Pinot has the desired ${kind.type.kind}`);
    }

    // 6. PinotTable: reload segments when the table's schema changed (in the reconcile, not in a watch filter).
    if (schemaLookup && object.spec.segmentReload === true) {
      const reload = await reloadSegments({ object, status, schemaLookup, call, tableName: name, recordIntent });
      status = reload.status;
      if (reload.event) event(reload.event.type, reload.event.reason, reload.event.note);
      if (reload.error) {
        await flush();
        throw reload.error;
      }
    }
    await flush();
    return requeueAfter(reconcileWaitMs);
  };
}

/**
 * Stores a status on the server guarded by the object's resourceVersion (a stale pass gets a Conflict) and returns
 * the object as stored, so the pass's later writes are guarded by the new version. When the answer was lost (a reset,
 * or the client's retry of it refused as a Conflict because the first attempt landed), it reads the object back and
 * accepts it only when it holds this very request's `reloadRequestId`.
 */
async function writeIntent(
  client: Pick<Client, 'get' | 'patchStatus'>,
  object: RestObject,
  status: PinotRestStatus,
  signal: AbortSignal,
): Promise<RestObject> {
  const { resourceVersion } = object.metadata as { resourceVersion?: string };
  try {
    return await client.patchStatus<RestObject>(
      object,
      { type: 'merge', body: { metadata: { resourceVersion }, status } },
      { signal },
    );
  } catch (err) {
    if (!(err instanceof ConnectionError || isConflict(err))) throw err;
    const live = await client.get<RestObject>(object, { signal });
    if (live.status?.reloadRequestId !== status.reloadRequestId) throw err;
    return live;
  }
}

/** The status fields one push wrote (the Go operation fields and the accepted document), to write again if lost. */
function pickOperation(status: PinotRestStatus, currentField: string): PinotRestStatus {
  const { type, message, reason, lastUpdateTime, ownedInPinot } = status;
  return {
    ownedInPinot,
    type,
    message,
    status: status.status,
    reason,
    lastUpdateTime,
    [currentField]: status[currentField],
  } as PinotRestStatus;
}
