/**
 * The recurring shape of a DSOI operator's reconcile, owned by the library so an app supplies only its mapping: parse
 * the spec → desired children (with rollout order) → `reconcileChildren` → status from the children report → Events
 * → requeue. Bad input never throws out of it: it becomes a Warning Event and an `InvalidSpec` condition naming the
 * field, with no retry until the spec changes, and other objects keep reconciling.
 */

import type { Reader, Writer } from '@dsoi/client';
import type { EventRecord } from '@dsoi/events';
import type { KubeObject, ObjectMeta } from '@dsoi/object';
import { createDesiredStateMemo, type DesiredStateMemo } from '../children/desiredStateMemo.js';
import { type ChildrenReport, type ChildSpec, reconcileChildren } from '../children/reconcileChildren.js';
import type { ReconcileContext, ReconcileFunction } from '../controller/controller.js';
import { done, type ReconcileResult, requeueAfter } from '../controller/reconcileResult.js';
import { updateStatus } from '../controller/updateStatus.js';
import { ChildrenError } from '../errors.js';
import { type DsoiOutcome, type RolloutStatusInput, rolloutStatus } from './rolloutStatus.js';
import { InvalidSpecError, parseSpec, type SpecSchema } from './specProblems.js';

/**
 * A custom resource the DSOI reconciler works on: the object model with its kind and name present (as the cache
 * returns it) and (what the reconciler reads of) its status.
 */
export interface DsoiObject extends KubeObject<unknown, RolloutStatusInput> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta & { readonly name: string };
}

/** What an app's mapping returns for one object: its children, and which node each workload belongs to. */
export interface DesiredChildren {
  /** Every child the object should have now; workloads carry their rollout step (index in `deploymentOrder`). */
  readonly children: readonly ChildSpec[];
  /** Workload name → node name, so status messages name the node. @default none */
  readonly nodeOfWorkload?: ReadonlyMap<string, string>;
}

/** What the status mapping gets: the previous status, this pass's outcome and the generation it was computed from. */
export interface DsoiStatusInput<TObject extends DsoiObject> {
  readonly object: TObject;
  readonly outcome: DsoiOutcome;
  readonly generation: number;
}

/** Options of {@link createDsoiReconciler}: the app's mapping, and where writes and Events go. */
export interface DsoiReconcilerOptions<TObject extends DsoiObject, TSpec> {
  /** Parses `object.spec` (a zod schema fits); its issues become `InvalidSpec` problems under `spec`. */
  readonly spec: SpecSchema<TSpec>;
  /**
   * The app's spec → children mapping. Pure; throw {@link InvalidSpecError} for what the schema cannot express (a
   * broken reference: see `nodeReferenceProblems`, a derived name too long, ...).
   */
  readonly desired: (object: TObject, spec: TSpec) => DesiredChildren;
  /**
   * The status to merge-patch (`null` removes a field), from this pass's outcome. Written only when it differs.
   * @default rolloutStatus: Ready, Progressing, Degraded, ImmutableFieldsDiffer, observedGeneration, waitingOn, ...
   */
  readonly status?: (input: DsoiStatusInput<TObject>) => Readonly<Record<string, unknown>>;
  /** Where writes go (`get` and `patch` too with `fieldManager`). */
  readonly client: Pick<Writer, 'apply' | 'delete' | 'patchStatus'> &
    Partial<Pick<Writer, 'patch'> & Pick<Reader, 'get'>>;
  /** Records Events on the object: `InvalidSpec`, and the children's `Created`, `Updated`, `RolloutBlocked`, ... */
  readonly recorder?: {
    /** Records one Event (an `EventRecorder` of `@dsoi/events` has this method). */
    record(event: EventRecord): void;
  };
  /**
   * The client's field manager: children another writer made (an operator this one replaces, `kubectl edit`) lose
   * the fields no longer desired in the write that adopts them (see `reconcileChildren`). @default none (they stay)
   */
  readonly fieldManager?: string;
  /** The periodic re-check of a converged or rolling object (the Go operators' `RECONCILE_WAIT`). @default none */
  readonly requeueAfterMs?: number;
  /**
   * Remembers the desired children of each object by what they are built from (uid, generation, labels, annotations)
   * and their stamped hashes, so a re-check of an unchanged object with unchanged children neither calls `desired`
   * nor hashes. `desired` must read nothing else of the object (not its status).
   * @default a new memo for this reconciler
   */
  readonly memo?: DesiredStateMemo;
}

function refOf(object: DsoiObject) {
  const { name, namespace, uid } = object.metadata;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name,
    ...(namespace && { namespace }),
    ...(uid && { uid }),
  };
}

function memoName(request: { readonly name: string; readonly namespace?: string }): string {
  return `${request.namespace ?? ''}/${request.name}`;
}

/**
 * What a mapping reads of an object: its identity, its spec (the generation counts spec changes; without one, the
 * resourceVersion counts every change), its labels and annotations. Not its status, so a status write re-maps nothing.
 */
function desiredInputs(object: DsoiObject): string {
  const { uid, generation, resourceVersion, labels, annotations } = object.metadata;
  const version = generation === undefined ? `rv ${resourceVersion}` : `generation ${generation}`;
  return `${uid}\n${version}\n${JSON.stringify(labels ?? {})}\n${JSON.stringify(annotations ?? {})}`;
}

/** The desired children, or the spec's problems. */
function mapSpec<TObject extends DsoiObject, TSpec>(
  options: DsoiReconcilerOptions<TObject, TSpec>,
  object: TObject,
): DesiredChildren | InvalidSpecError {
  try {
    return options.desired(object, parseSpec(options.spec, object.spec));
  } catch (err) {
    if (err instanceof InvalidSpecError) return err;
    throw err;
  }
}

/** `reconcileChildren`, with a partial failure turned into its report and the error to rethrow after the status. */
async function converge(
  options: Pick<DsoiReconcilerOptions<DsoiObject, unknown>, 'client' | 'recorder' | 'fieldManager'> & {
    readonly memo: DesiredStateMemo;
  },
  context: Pick<ReconcileContext, 'cache' | 'signal'> & { readonly object: DsoiObject },
  children: readonly ChildSpec[],
): Promise<{ report: ChildrenReport; failure: ChildrenError | undefined }> {
  const { client, recorder, fieldManager, memo } = options;
  const { object, cache, signal } = context;
  try {
    const report = await reconcileChildren({
      owner: object,
      desired: children,
      client,
      cache,
      signal,
      memo,
      ...(recorder && { recorder }),
      ...(fieldManager && { fieldManager }),
    });
    return { report, failure: undefined };
  } catch (err) {
    if (!(err instanceof ChildrenError)) throw err;
    return { report: err.report, failure: err };
  }
}

/**
 * Creates the reconcile function of a DSOI controller from an app's mapping.
 *
 * Guarantees:
 * - a deleted or deleting object is left to the garbage collector (children carry the controller ownerReference;
 *   retained children carry none and stay);
 * - a spec the schema or the mapping refuses gets a Warning Event `InvalidSpec` and the status of a `DsoiOutcome`
 *   `invalid` (every problem names its field); its children are left as they are and it is not retried until the
 *   spec changes (a spec change is an event);
 * - children are converged by `reconcileChildren` (zero requests when nothing changed, ordered rollout, pruning);
 * - a re-check of an object whose uid, generation, labels and annotations did not change reuses its desired children
 *   (a status write does not re-map them), and children whose live objects did not change are neither hashed nor
 *   compared again;
 * - the status is computed from the children report and written only when it differs; with the default status, a
 *   re-check that finds the same object instance and gets the same report (a repeated quiet pass of
 *   `reconcileChildren`) after a pass that wrote no status computes none;
 * - a child that could not be written is reported in the status first, then the `ChildrenError` is thrown so the
 *   key is retried with backoff; otherwise the object is re-checked after `requeueAfterMs`.
 */
export function createDsoiReconciler<TObject extends DsoiObject, TSpec>(
  options: DsoiReconcilerOptions<TObject, TSpec>,
): ReconcileFunction<TObject> {
  const {
    client,
    recorder,
    requeueAfterMs,
    status = ({ object, outcome, generation }) => rolloutStatus(object.status, outcome, generation),
    memo = createDesiredStateMemo(),
  } = options;
  // The default status is a function of the object and the report alone: once it matched the live status, the same
  // object instance (the cache replaces it on every change) with the same report needs no recomputation.
  const settled = options.status === undefined ? new WeakMap<object, ChildrenReport>() : undefined;
  // The mapping's inputs of an object instance, serialised once (a re-check usually sees the same instance).
  const inputsOf = new WeakMap<object, string>();
  const inputs = (object: DsoiObject) => {
    const known = inputsOf.get(object);
    if (known !== undefined) return known;
    const text = desiredInputs(object);
    inputsOf.set(object, text);
    return text;
  };
  return async (context): Promise<ReconcileResult> => {
    const { object, signal, log } = context;
    if (!object || object.metadata.deletionTimestamp) {
      memo.forget(memoName(context.request));
      return done();
    }
    const generation = object.metadata.generation ?? 0;
    const writeStatus = (outcome: DsoiOutcome) =>
      updateStatus(client, object, status({ object, outcome, generation }), { signal });
    // The mapping is pure: the same spec (generation) and metadata map to the same children as last time.
    const desired = memo.desired(memoName(context.request), inputs(object), () => mapSpec(options, object));
    if (desired instanceof InvalidSpecError) {
      log.warn({ problems: desired.problems }, 'invalid spec; children left as they are');
      const note = desired.message;
      recorder?.record({ regarding: refOf(object), type: 'Warning', reason: 'InvalidSpec', action: 'Validate', note });
      await writeStatus({ kind: 'invalid', problems: desired.problems });
      return done();
    }
    const converged = await converge({ ...options, memo }, { cache: context.cache, signal, object }, desired.children);
    const failures = (converged.failure?.failures ?? []).map(
      (f) => `${f.ref.kind} ${f.ref.name}: ${f.error instanceof Error ? f.error.message : String(f.error)}`,
    );
    const { report, failure } = converged;
    if (failure !== undefined || settled?.get(object) !== report) {
      const nodeOfWorkload = desired.nodeOfWorkload ?? new Map<string, string>();
      const wrote = await writeStatus({ kind: 'applied', report, nodeOfWorkload, failures });
      if (!wrote && failure === undefined) settled?.set(object, report);
    }
    if (failure) throw failure;
    return requeueAfterMs === undefined ? done() : requeueAfter(requeueAfterMs);
  };
}
