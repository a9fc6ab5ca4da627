/**
 * One reconcile pass of a PinotSchema, PinotTable or PinotTenant, as named phases (see `restPassPhases`). The
 * pass is the state the phases share: the object, the status being built, what the spec names in Pinot, what this CR
 * owns there, and how to call Pinot once the endpoint is resolved. A phase either lets the pass go on or ends it with
 * the reconcile result; `phase` says where a pass is, or where it ended. The functions here are the pass's actions.
 */
import type { Client } from '@dsoi/client';
import { ConnectionError, isConflict } from '@dsoi/client/errors';
import type { EventRecorder } from '@dsoi/events';
import { type Condition, finalize, type ReconcileContext, setCondition, updateStatus } from '@dsoi/reconcile';
import { toMetaTime } from '@dsoi/reconcile/controller';
import type { Pinot } from '../api/pinot.ts';
import type { PinotRestObject, PinotRestStatus } from '../api/pinotRest.ts';
import type { EndpointResolver } from './controllerEndpoint.ts';
import { truncate } from './pinotApiError.ts';
import type { PinotResponse } from './pinotHttpClient.ts';
import type { RestKind } from './restKinds.ts';
import type { RestPushPlan } from './restPushPlan.ts';
import type { SchemaLookup } from './segmentReload.ts';

/** A REST-backed object as the reconcile sees it. */
export type RestObject = PinotRestObject<Record<string, unknown>>;

/** What a pass needs from outside, the same for every pass of one kind. */
export interface RestPassEnvironment {
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
  /**
   * The last document Pinot accepted, per object (`namespace/name`, for its uid), with the status that push wrote.
   * The cache can lag the pass's own status patch by an event, so a pass woken by an earlier event would otherwise
   * see an empty status and push the same spec again; and when that status write failed, the next pass restores it.
   */
  readonly accepted: Map<string, AcceptedPush>;
}

/** A push Pinot accepted, remembered across passes (see {@link RestPassEnvironment.accepted}). */
export interface AcceptedPush {
  readonly uid: string;
  readonly document: string;
  readonly owned: string;
  readonly status: PinotRestStatus;
}

/** A call to Pinot; a transport failure is put in the status before it is thrown. */
export type PinotCall = (
  what: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: string,
) => Promise<PinotResponse>;

/** The phases of a pass, in the order they run (see `restPassPhases`). */
export type RestPassPhase =
  | 'spec'
  | 'ownership'
  | 'cluster'
  | 'endpoint'
  | 'finalizer'
  | 'read'
  | 'plan'
  | 'push'
  | 'reload'
  | 'status';

/** The state of one pass, filled in phase by phase. */
export interface RestPass {
  readonly env: RestPassEnvironment;
  readonly object: RestObject;
  readonly context: Pick<ReconcileContext<RestObject>, 'signal' | 'log'>;
  readonly deleting: boolean;
  readonly generation: number;
  /** The key of {@link RestPassEnvironment.accepted}. */
  readonly acceptedKey: string;
  /** The phase running, or the one that ended the pass. */
  phase: RestPassPhase;
  /** The status this pass will write. */
  status: PinotRestStatus;
  /** The object as last written by this pass: after a segment reload's mark, later writes are guarded by it. */
  written: RestObject;
  /** `spec`: the document and the name it gives in Pinot; none for a bad spec of an object being deleted. */
  target?: { readonly document: string; readonly name: string };
  /** `ownership`: the name this CR owns in Pinot (created or adopted); nothing else is updated or deleted. */
  owned?: string;
  /** `cluster`: the Pinot cluster CR the object names. */
  pinot?: Pinot;
  /** `endpoint`: calls the cluster's Pinot controller. */
  call?: PinotCall;
  /** `read`: whether Pinot has an object of the target's name. */
  exists?: boolean;
  /** `plan`: what the push does. */
  plan?: RestPushPlan;
}

/** Starts a pass of `object` in phase `spec`. */
export function createRestPass(env: RestPassEnvironment, object: RestObject, context: RestPass['context']): RestPass {
  return {
    env,
    object,
    context,
    deleting: Boolean(object.metadata.deletionTimestamp),
    generation: object.metadata.generation ?? 0,
    acceptedKey: `${object.metadata.namespace ?? ''}/${object.metadata.name}`,
    phase: 'spec',
    status: { ...(object.status ?? {}) } as PinotRestStatus,
    written: object,
  };
}

/** The status code of this kind, e.g. `PinotSchemaControllerCreateSuccess`. */
export const codeOf = (pass: RestPass, suffix: string): string => `${pass.env.kind.codePrefix}${suffix}`;

/** Records an Event about the pass's object. */
export function emit(pass: RestPass, type: 'Normal' | 'Warning', reason: string, note: string): void {
  const { apiVersion, kind, metadata } = pass.object;
  const regarding = {
    apiVersion,
    kind,
    name: metadata.name,
    namespace: metadata.namespace,
    ...(metadata.uid && { uid: metadata.uid }),
  };
  pass.env.recorder.record({ regarding, type, reason, action: 'Sync', note });
}

/** Sets the Ready condition of the status being built. */
export function setReady(pass: RestPass, state: Condition['status'], reason: string, message: string): void {
  pass.status.conditions = setCondition(pass.status.conditions as Condition[] | undefined, {
    type: 'Ready',
    status: state,
    reason,
    message: truncate(message),
    observedGeneration: pass.generation,
  });
}

/** Records an operation in the Go status fields (kept) and the Ready condition. */
export function recordOperation(
  pass: RestPass,
  suffix: string,
  success: boolean,
  body: string,
  extra: Record<string, unknown> = {},
): void {
  pass.status = {
    ...pass.status,
    type: codeOf(pass, suffix),
    message: codeOf(pass, suffix),
    status: success ? 'True' : 'False',
    reason: truncate(body),
    lastUpdateTime: toMetaTime(new Date()),
    ...extra,
  };
  setReady(
    pass,
    success ? 'True' : 'False',
    codeOf(pass, suffix),
    success ? `Pinot accepted the ${pass.env.kind.type.kind}` : `Pinot answered: ${truncate(body, 300)}`,
  );
}

/** Writes the status built so far (when it differs from the object's), guarded by the last written version. */
export function flushStatus(pass: RestPass): Promise<boolean> {
  const { client } = pass.env;
  const status = { ...pass.status, observedGeneration: pass.generation };
  return updateStatus(client, pass.written, status, { signal: pass.context.signal });
}

/** Stores a reload intent in the status before the reload call (see {@link writeIntent}). */
export async function recordIntent(pass: RestPass, next: PinotRestStatus): Promise<void> {
  const status = { ...next, observedGeneration: pass.generation };
  pass.written = await writeIntent(pass.env.client, pass.written, status, pass.context.signal);
}

/** Adds the finalizer (`cleanup` absent) or runs `cleanup` and removes it (the object is being deleted). */
export async function finalizeWith(pass: RestPass, cleanup: () => Promise<void> = async () => {}): Promise<void> {
  const { client, kind } = pass.env;
  await finalize({ client, object: pass.object, finalizer: kind.finalizer, cleanup, signal: pass.context.signal });
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
