/**
 * Converges the children of one owner: what the Go library's `Builder` did, done right. Reads come from the cache,
 * writes are server-side apply, a child is written only when its desired hash or its live fields differ, workloads
 * roll out one at a time in `deploymentOrder`, and children that are no longer desired are pruned.
 */

import { controllerRef } from '@dsoi/builder';
import type { Patch, Reader, Writer } from '@dsoi/client';
import { NotFoundError } from '@dsoi/client/errors';
import type { EventRecord } from '@dsoi/events';
import { readHash } from '@dsoi/hash';
import type { KubeObject, ObjectRef, TypeMeta } from '@dsoi/object';
import { ChildrenError } from '../errors.js';
import { findDrift } from '../internal/drift.js';
import type { ChildCache } from './childCache.js';
import { type ChildOwnership, ownershipConflict, releasePatch, withOwnership } from './childOwnership.js';
import { createDesiredStateMemo, type DesiredStateMemo } from './desiredStateMemo.js';
import { takeOverFields } from './fieldOwnership.js';
import { type KeptField, keepImmutableFields } from './immutableFields.js';
import { workloadReadiness } from './workloadReadiness.js';

/** A desired child with its place in the ordered rollout. */
export interface ChildSpec {
  readonly object: KubeObject;
  /**
   * Its rollout step (the index of its node type in `deploymentOrder`). Children with a step are workloads that roll
   * out one at a time in step order (ties keep list order); children without one are applied at once. @default none
   */
  readonly rolloutStep?: number;
  /**
   * `controlled`: the owner's controller ownerReference (garbage-collected with the owner, pruned when no longer
   * desired). `retained`: no ownerReference, so it outlives the owner (a data volume); it is marked with the owner it
   * is kept for (`dsoi.io/retained-for`), and a reference this owner had on it is removed. @default 'controlled'
   */
  readonly ownership?: ChildOwnership;
}

/** Options of {@link reconcileChildren}. */
export interface ReconcileChildrenOptions {
  /** The owner (a custom resource read from the cache); it must have a uid. */
  readonly owner: KubeObject;
  /** Every child the owner should have now: objects or {@link ChildSpec}s. */
  readonly desired: readonly (KubeObject | ChildSpec)[];
  /** Where writes go (`@dsoi/client`); `get` and `patch` are needed to take over fields (see `fieldManager`). */
  readonly client: Pick<Writer, 'apply' | 'delete'> & Partial<Pick<Writer, 'patch'> & Pick<Reader, 'get'>>;
  /**
   * The client's field manager. With it (and `client.patch`), before a live child is written, the spec fields other
   * writers set by plain update (the operator this one replaces, `kubectl edit`) become this manager's, so the write
   * removes those no longer desired: server-side apply never removes fields it does not own, and they would show as
   * drift on every pass. Done when adopting a child (no desired-state hash yet) or repairing drift; costs a GET (the
   * cache drops managedFields) and, when some other writer owns spec fields, a patch. @default none (they stay)
   */
  readonly fieldManager?: string;
  /**
   * Where reads come from: the controller's cache (`context.cache`, the store's cache reader over its informers).
   * Any `Reader` over cached objects will do with `pruneKinds` set; `ownedKinds` only gives their default.
   */
  readonly cache: Pick<ChildCache, 'get' | 'list'> & Partial<Pick<ChildCache, 'ownedKinds' | 'peek' | 'controlledBy'>>;
  /** Kinds whose owned-but-undesired children are deleted. @default cache.ownedKinds(), or none without it */
  readonly pruneKinds?: readonly TypeMeta[];
  /** The desired-state hash annotation. @default 'dsoi.io/desired-hash' */
  readonly hashAnnotation?: string;
  /**
   * Records Events on the owner: one `Created` per pass naming the children it created (with `related` when there is
   * one), and one per child for `Updated`, `Deleted`, `RolloutBlocked`, `Retained` and failures. @default none
   */
  readonly recorder?: {
    /** Records one Event (an `EventRecorder` of `@dsoi/events` has this method). */
    record(event: EventRecord): void;
  };
  /** Aborts the writes. */
  readonly signal?: AbortSignal;
  /**
   * Remembers stamped children and their plans between passes (see {@link DesiredStateMemo}): pass the same memo
   * and the same desired child instances, and a re-check whose live children did not change hashes nothing.
   * @default none (every pass stamps and compares afresh)
   */
  readonly memo?: DesiredStateMemo;
}

/** What {@link reconcileChildren} did. */
export interface ChildrenReport {
  readonly created: ObjectRef[];
  /** Updated children, with why: the desired hash changed, or a live field drifted (`field` names it). */
  readonly updated: (ObjectRef & { readonly because: 'changed' | 'drifted'; readonly field?: string })[];
  readonly deleted: ObjectRef[];
  readonly unchanged: ObjectRef[];
  /** Workloads whose change waits for an earlier workload to be ready. */
  readonly blocked: (ObjectRef & { readonly waitingOn: ObjectRef; readonly reason: string })[];
  /**
   * Live children whose immutable fields (`immutableFields`: a StatefulSet's `volumeClaimTemplates`, selectors, ...)
   * differ from the desired ones. Their live values are kept (a write never tries to change them); each names the
   * field and how to migrate. Not a failure: the rest of the child converges.
   */
  readonly kept: (ObjectRef & { readonly fields: readonly KeptField[] })[];
  /** The first workload (in rollout order) that is not ready, if any. */
  readonly waitingOn: (ObjectRef & { readonly reason: string }) | undefined;
  /** True when no write was needed, nothing is blocked and every workload is ready. */
  readonly converged: boolean;
}

type Plan = 'create' | 'changed' | 'drifted' | 'unchanged';

interface Planned {
  readonly object: KubeObject;
  readonly ref: ObjectRef;
  readonly live: KubeObject | undefined;
  readonly plan: Plan;
  readonly field: string | undefined;
  readonly step: number | undefined;
  readonly kept: readonly KeptField[];
  /** Why a write would be refused even with the live immutable values; the write is then never sent. */
  readonly refusal: string | undefined;
  /** The live child carries a desired-state hash: this operator wrote it before. */
  readonly adopted: boolean;
  /** The patch that removes this owner's ownerReference from a live child that is now retained. */
  readonly release: Patch | undefined;
}

/**
 * Converges the owner's children and returns a report for status conditions.
 *
 * Guarantees:
 * - a no-op reconcile makes zero API requests (reads come from `cache`);
 * - every child gets the desired-state hash annotation and, unless its `ownership` is `retained`, the controller
 *   ownerReference; a retained child gets none (this owner's is removed, Event `Retained`) and is never pruned;
 * - a workload that does not exist is created at once; a change to an existing workload waits until every workload
 *   before it in rollout order is ready (`workloadReadiness`), and only one changes per pass;
 * - owned children of `pruneKinds` that are no longer desired are deleted (found by owner uid, not by labels);
 * - a live child controlled by another owner, or retained for another owner, is never taken over (a failure, as
 *   controller-runtime's AlreadyOwned);
 * - an immutable field of a live child (`immutableFields`) is never changed: the live value is applied, a difference
 *   is reported in `kept` with a Warning Event `ImmutableFieldKept` naming the field and how to migrate, and a write
 *   that would still be refused (a kept selector that misses the desired pod labels) is never sent;
 * - with `fieldManager`, a written child ends up with exactly the desired spec fields (plus server defaults), even
 *   when another writer had added some by update: one rollout on adoption, not one per leftover field.
 *
 * Errors: failed writes do not stop the others; afterwards a {@link ChildrenError} lists them (with the report).
 */
export async function reconcileChildren(options: ReconcileChildrenOptions): Promise<ChildrenReport> {
  const { owner, client, cache, hashAnnotation, recorder, signal, fieldManager } = options;
  const ownerRef = controllerRef(owner);
  const pruneKinds = options.pruneKinds ?? cache.ownedKinds?.() ?? [];
  const passKey = `${ownerRef.uid}/${hashAnnotation ?? ''}`;
  // A re-check that would read exactly what the last quiet pass read repeats it: same report, nothing done.
  const repeated = options.memo?.lastQuietPass<QuietPass>(options.desired, passKey);
  if (repeated && readsUnchanged(repeated, cache, pruneKinds, ownerRef.uid)) return repeated.report;
  const hashOptions = hashAnnotation === undefined ? {} : { annotationKey: hashAnnotation };
  const memo = options.memo ?? createDesiredStateMemo();
  const planned = await Promise.all(options.desired.map((e) => plan(e, ownerRef, cache, hashOptions, memo, signal)));
  const report = {
    created: [] as ObjectRef[],
    updated: [] as ChildrenReport['updated'],
    deleted: [] as ObjectRef[],
    unchanged: [] as ObjectRef[],
    blocked: [] as ChildrenReport['blocked'],
    kept: planned.filter((c) => c.kept.length > 0).map((c) => ({ ...c.ref, fields: c.kept })),
    waitingOn: undefined as ChildrenReport['waitingOn'],
  };
  const failures: { ref: ObjectRef; error: unknown }[] = [];
  let effects = 0; // writes, deletes and Events: a pass without any is quiet, and may be repeated by its reads
  const note = (event: Omit<EventRecord, 'regarding'>) => {
    effects += 1;
    recorder?.record({ regarding: refOf(owner), ...event });
  };

  const write = async (child: Planned) => {
    effects += 1;
    try {
      const conflict = ownershipConflict(child.live, ownerRef);
      if (conflict) throw new Error(conflict);
      if (child.refusal) {
        // kube-apiserver would answer Invalid on every retry: say what to do instead of sending it.
        throw new Error(`${child.refusal}; ${child.kept.map((k) => k.migrate).find(Boolean) ?? ''}`);
      }
      if (fieldManager && client.get && client.patch && child.live && (child.plan === 'drifted' || !child.adopted)) {
        await takeOver(child.ref, fieldManager, client as Required<typeof client>, signal);
      }
      if (child.release) await release(child, client, note, signal);
      await client.apply(child.object, { force: true, ...(signal ? { signal } : {}) });
      announce(child, report, note);
    } catch (error) {
      failures.push({ ref: child.ref, error });
      note({
        type: 'Warning',
        reason: 'ApplyFailed',
        action: 'Apply',
        note: `${describe(child.ref)}: ${message(error)}`,
        related: child.ref,
      });
    }
  };

  // Children outside the rollout (ConfigMaps, Services, ...) converge at once.
  for (const child of planned.filter((c) => c.step === undefined)) {
    if (child.plan === 'unchanged') report.unchanged.push(child.ref);
    else await write(child);
  }
  await rollOut(
    planned.filter((c) => c.step !== undefined),
    report,
    write,
    note,
  );
  announceCreated(report.created, note);
  const owned = await prune(options, pruneKinds, planned, report, failures, note);
  const converged =
    report.created.length + report.updated.length + report.deleted.length + report.blocked.length === 0 &&
    report.waitingOn === undefined &&
    failures.length === 0;
  const result: ChildrenReport = { ...report, converged };
  if (failures.length > 0) throw new ChildrenError(describe(refOf(owner)), failures, result);
  const quiet = effects === 0 && report.deleted.length === 0 && owned !== undefined;
  const pass = quiet ? quietPass(planned, pruneKinds, owned, result) : undefined;
  options.memo?.rememberQuietPass(options.desired, passKey, pass);
  return result;
}

/** What a quiet pass read (see {@link QuietPass}). */
function quietPass(
  planned: readonly Planned[],
  kinds: readonly TypeMeta[],
  owned: readonly (readonly KubeObject[])[],
  report: ChildrenReport,
): QuietPass {
  return { refs: planned.map((c) => c.ref), live: planned.map((c) => c.live), kinds, owned, report };
}

/**
 * What a quiet pass (no write, no delete, no Event) read, and its report: the live instance of each desired child
 * and the controlled children of each prune kind, as the cache held them (the cache replaces an instance on every
 * change, so the same instances mean the same live state).
 */
interface QuietPass {
  readonly refs: readonly ObjectRef[];
  readonly live: readonly (KubeObject | undefined)[];
  readonly kinds: readonly TypeMeta[];
  readonly owned: readonly (readonly KubeObject[])[];
  readonly report: ChildrenReport;
}

/**
 * Whether the cache holds now the very instances `pass` read, so a pass now would plan, write and prune exactly as it
 * did: nothing. Needs the cache's synchronous reads (`peek`, `controlledBy`); without them, never.
 */
function readsUnchanged(
  pass: QuietPass,
  cache: ReconcileChildrenOptions['cache'],
  kinds: readonly TypeMeta[],
  uid: string,
): boolean {
  const { peek, controlledBy } = cache;
  if (peek === undefined || controlledBy === undefined || kinds.length !== pass.kinds.length) return false;
  for (let i = 0; i < pass.refs.length; i++) {
    if (peek.call(cache, pass.refs[i]!) !== pass.live[i]) return false;
  }
  for (let k = 0; k < kinds.length; k++) {
    if (kinds[k] !== pass.kinds[k]) return false;
    const now = controlledBy.call(cache, kinds[k]!, uid);
    const then = pass.owned[k]!;
    if (now.length !== then.length || now.some((o, i) => o !== then[i])) return false;
  }
  return true;
}

/** Reports a written child and records its Events: kept immutable fields, then Created or Updated. */
function announce(
  child: Planned,
  report: { created: ObjectRef[]; updated: ChildrenReport['updated'] },
  note: (event: Omit<EventRecord, 'regarding'>) => void,
): void {
  for (const kept of child.kept) {
    note({
      type: 'Warning',
      reason: 'ImmutableFieldKept',
      action: 'Apply',
      note: `${describe(child.ref)}: ${kept.field} differs from the desired value at ${kept.at} and cannot change in place; kept the live value. To migrate: ${kept.migrate}`,
      related: child.ref,
    });
  }
  if (child.plan === 'create') {
    // One `Created` Event per pass names them all (see announceCreated).
    report.created.push(child.ref);
    return;
  }
  const because = child.plan === 'drifted' ? 'drifted' : 'changed';
  report.updated.push({ ...child.ref, because, ...(child.field ? { field: child.field } : {}) });
  const why = child.plan === 'drifted' ? `repaired drift at ${child.field}` : 'applied a changed spec';
  note({
    type: 'Normal',
    reason: 'Updated',
    action: 'Update',
    note: `updated ${describe(child.ref)}: ${why}`,
    related: child.ref,
  });
}

/**
 * Plans one desired child against its live object. Through `memo`, an unchanged desired child (same instance, same
 * owner) is stamped once, and planned again only when its live object changed: a no-op re-check hashes nothing.
 */
/** A `Created` note longer than this names the rest by count (kube-apiserver refuses a note over 1 KiB). */
const createdNoteLimit = 900;

/**
 * One `Created` Event for the children created in a pass, naming them (kind and name, in the owner's namespace), as
 * an install creates every child of an owner in its first pass: one Event per owner instead of one per child.
 */
function announceCreated(created: readonly ObjectRef[], note: (event: Omit<EventRecord, 'regarding'>) => void): void {
  if (created.length === 0) return;
  let text = `created ${created.length === 1 ? '' : `${created.length} children: `}`;
  for (const [index, ref] of created.entries()) {
    const name = `${index === 0 ? '' : ', '}${ref.kind} ${ref.name}`;
    if (text.length + name.length > createdNoteLimit) {
      text += ` and ${created.length - index} more`;
      break;
    }
    text += name;
  }
  note({
    type: 'Normal',
    reason: 'Created',
    action: 'Create',
    note: text,
    ...(created.length === 1 ? { related: created[0]! } : {}),
  });
}

async function plan(
  entry: KubeObject | ChildSpec,
  ownerRef: ReturnType<typeof controllerRef>,
  cache: Pick<Reader, 'get'>,
  hashOptions: { annotationKey?: string },
  memo: DesiredStateMemo,
  signal: AbortSignal | undefined,
): Promise<Planned> {
  const spec: ChildSpec = 'object' in entry ? (entry as ChildSpec) : { object: entry };
  const ownership = spec.ownership ?? 'controlled';
  const key = `${ownerRef.uid}/${ownership}/${hashOptions.annotationKey ?? ''}`;
  const stamped = memo.stamped(entry, key, () => {
    const source = spec.object;
    return memo.stamp({ ...source, metadata: withOwnership(source.metadata, ownership, ownerRef) }, hashOptions);
  });
  const ref = refOf(stamped);
  const live = await liveChild(cache, ref, signal);
  return memo.planned(entry, key, live, () => planAgainst(spec, stamped, ref, live, ownerRef, hashOptions));
}

function planAgainst(
  spec: ChildSpec,
  stamped: KubeObject,
  ref: ObjectRef,
  live: KubeObject | undefined,
  ownerRef: ReturnType<typeof controllerRef>,
  hashOptions: { annotationKey?: string },
): Planned {
  // An existing child keeps its immutable fields: the object we compare and apply carries their live values.
  const immutable = live === undefined ? undefined : keepImmutableFields(stamped, live);
  const object: KubeObject = immutable?.object ?? stamped;
  const changed = live !== undefined && readHash(live, hashOptions) !== readHash(object, hashOptions);
  // Drift is only looked for when the hash matches: a changed hash already decides the write.
  const field = live === undefined || changed ? undefined : findDrift(object, live);
  const release = spec.ownership === 'retained' ? releasePatch(live, ownerRef.uid) : undefined;
  const state: Plan =
    live === undefined ? 'create' : changed || release ? 'changed' : field !== undefined ? 'drifted' : 'unchanged';
  return {
    object,
    ref,
    live,
    plan: state,
    field,
    step: spec.rolloutStep,
    kept: immutable?.kept ?? [],
    refusal: state === 'unchanged' ? undefined : immutable?.refusal,
    adopted: live !== undefined && readHash(live, hashOptions) !== undefined,
    release,
  };
}

/** Removes this owner's ownerReference from a child that is now retained, and says so in an Event. */
async function release(
  child: Planned,
  client: Partial<Pick<Writer, 'patch'>>,
  note: (event: Omit<EventRecord, 'regarding'>) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!client.patch) throw new Error('releasing a retained child needs client.patch');
  await client.patch(child.ref, child.release!, signal ? { signal } : {});
  note({
    type: 'Normal',
    reason: 'Retained',
    action: 'Update',
    note: `released ${describe(child.ref)}: it is no longer owned, and stays when its owner is deleted`,
    related: child.ref,
  });
}

/**
 * Moves the spec fields other writers own by update to `fieldManager` (read fresh: the cache drops managedFields), so
 * the apply that follows removes those not desired. Guarded by resourceVersion: a child changed meanwhile fails with
 * a conflict and is retried.
 */
async function takeOver(
  ref: ObjectRef,
  fieldManager: string,
  client: Pick<Writer, 'patch'> & Pick<Reader, 'get'>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const options = signal ? { signal } : {};
  const fresh = await client.get(ref, options);
  const managedFields = takeOverFields(fresh, { fieldManager, apiVersion: ref.apiVersion });
  if (!managedFields) return;
  const body = { metadata: { resourceVersion: fresh.metadata?.resourceVersion, managedFields } };
  await client.patch(ref, { type: 'merge', body }, options);
}

/** One workload at a time: creates go at once, a change waits until everything before it is ready. */
async function rollOut(
  workloads: Planned[],
  report: { unchanged: ObjectRef[]; blocked: ChildrenReport['blocked']; waitingOn: ChildrenReport['waitingOn'] },
  write: (child: Planned) => Promise<void>,
  note: (event: Omit<EventRecord, 'regarding'>) => void,
): Promise<void> {
  const ordered = workloads
    .map((child, index) => ({ child, index }))
    .sort((a, b) => a.child.step! - b.child.step! || a.index - b.index)
    .map(({ child }) => child);
  let gate: (ObjectRef & { reason: string }) | undefined;
  for (const child of ordered) {
    if (child.plan === 'create') {
      await write(child);
      gate ??= { ...child.ref, reason: 'just created' };
      continue;
    }
    if (child.plan === 'unchanged') {
      report.unchanged.push(child.ref);
      const readiness = workloadReadiness(child.live as Parameters<typeof workloadReadiness>[0]);
      if (!readiness.ready) gate ??= { ...child.ref, reason: readiness.reason };
      continue;
    }
    if (gate) {
      report.blocked.push({ ...child.ref, waitingOn: gate, reason: gate.reason });
      note({
        type: 'Normal',
        reason: 'RolloutBlocked',
        action: 'Rollout',
        note: `${describe(child.ref)} waits for ${describe(gate)}: ${gate.reason}`,
        related: child.ref,
      });
      continue;
    }
    await write(child);
    gate = { ...child.ref, reason: 'rolling out' };
  }
  report.waitingOn = gate;
}

/**
 * Deletes the owned children of `kinds` no longer desired. Returns what it read of each kind through the cache's
 * `controlledBy` (the owner index), or `undefined` when it had to list instead.
 */
async function prune(
  options: ReconcileChildrenOptions,
  kinds: readonly TypeMeta[],
  planned: readonly Planned[],
  report: { deleted: ObjectRef[] },
  failures: { ref: ObjectRef; error: unknown }[],
  note: (event: Omit<EventRecord, 'regarding'>) => void,
): Promise<(readonly KubeObject[])[] | undefined> {
  const { owner, cache, client, signal } = options;
  const uid = owner.metadata!.uid!; // controllerRef() refused an owner without one
  const namespace = owner.metadata?.namespace;
  const wanted = new Set(planned.map((c) => identity(c.ref)));
  const read: (readonly KubeObject[])[] | undefined = cache.controlledBy ? [] : undefined;
  for (const kind of kinds) {
    let children: readonly KubeObject[];
    if (cache.controlledBy) {
      const controlled = cache.controlledBy(kind, uid);
      read?.push(controlled);
      // A namespaced owner's children live in its namespace (as a list of the namespace would find them).
      children = namespace ? controlled.filter((o) => o.metadata?.namespace === namespace) : controlled;
    } else {
      children = await ownedChildren(cache, kind, uid, namespace, signal);
    }
    for (const live of children) {
      const ref = refOf({ ...live, apiVersion: kind.apiVersion, kind: kind.kind });
      if (wanted.has(identity(ref))) continue;
      try {
        await client.delete(ref, {
          propagationPolicy: 'Background',
          ...(live.metadata?.uid ? { preconditions: { uid: live.metadata.uid } } : {}),
          ...(signal ? { signal } : {}),
        });
        report.deleted.push(ref);
        note({
          type: 'Normal',
          reason: 'Deleted',
          action: 'Delete',
          note: `deleted ${describe(ref)}: no longer desired`,
          related: ref,
        });
      } catch (error) {
        failures.push({ ref, error });
      }
    }
  }
  return read;
}

function refOf(object: KubeObject): ObjectRef {
  const { apiVersion, kind, metadata } = object;
  if (!apiVersion || !kind || !metadata?.name) {
    throw new TypeError(
      `a child needs apiVersion, kind and metadata.name (got ${JSON.stringify({ apiVersion, kind, name: metadata?.name })})`,
    );
  }
  return { apiVersion, kind, name: metadata.name, ...(metadata.namespace ? { namespace: metadata.namespace } : {}) };
}

function identity(ref: ObjectRef): string {
  const slash = ref.apiVersion.indexOf('/');
  return `${slash === -1 ? '' : ref.apiVersion.slice(0, slash)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** The cached child `ref` names, or `undefined` when the cache has none. */
async function liveChild(cache: Pick<Reader, 'get'>, ref: ObjectRef, signal: AbortSignal | undefined) {
  try {
    return await cache.get(ref, signal ? { signal } : {});
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * The cached objects of `kind` whose controller ownerReference has `uid`: listed in the owner's `namespace` (a
 * namespaced owner's children live there; a cluster-scoped owner's anywhere), then matched by uid, not by labels.
 */
async function ownedChildren(
  cache: Pick<Reader, 'list'>,
  kind: TypeMeta,
  uid: string,
  namespace: string | undefined,
  signal: AbortSignal | undefined,
): Promise<readonly KubeObject[]> {
  const list = await cache.list(kind, { ...(namespace ? { namespace } : {}), ...(signal ? { signal } : {}) });
  return list.items.filter((o) => o.metadata?.ownerReferences?.some((r) => r.controller === true && r.uid === uid));
}

function describe(ref: ObjectRef): string {
  return `${ref.apiVersion} ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
