/**
 * Predicates decide which watch events enqueue a reconcile. Object filters ("do not reconcile this object": a denied
 * namespace, the paused annotation) are predicates that also hold inside the reconcile, so a periodic requeue cannot
 * slip past them, which the Go operators got wrong: their filters only guarded watch events.
 */
import type { KubeObject } from '@dsoi/object';

/**
 * @deprecated Predicates take any `KubeObject` of `@dsoi/object` (its metadata has `generation`, labels and
 * annotations), the one object model of every dsoi package; import that instead.
 */
export type PredicateObject = KubeObject;

/** A watch event as predicates see it. */
export type ObjectEvent<TObject = KubeObject> =
  | { readonly type: 'add'; readonly object: TObject }
  | { readonly type: 'update'; readonly oldObject: TObject; readonly object: TObject }
  | { readonly type: 'delete'; readonly object: TObject };

/** Whether an event should enqueue a reconcile. */
export interface Predicate<TObject = KubeObject> {
  (event: ObjectEvent<TObject>): boolean;
  /**
   * Set on object filters: the same decision about one object, checked again at the start of every reconcile.
   * A reconcile of an object it refuses is skipped (and not requeued).
   */
  readonly objectFilter?: (object: TObject) => boolean;
}

/** Turns a function of the object into a predicate that filters every event and every reconcile. */
export function objectFilter<TObject = KubeObject>(filter: (object: TObject) => boolean): Predicate<TObject> {
  return Object.assign((event: ObjectEvent<TObject>) => filter(event.object), { objectFilter: filter });
}

/** Passes updates whose `metadata.generation` changed (spec changes); adds and deletes always pass. */
export const generationChanged: Predicate = (event) =>
  event.type !== 'update' || event.oldObject.metadata?.generation !== event.object.metadata?.generation;

/** Passes updates whose labels changed; adds and deletes always pass. */
export const labelsChanged: Predicate = (event) =>
  event.type !== 'update' || !sameRecord(event.oldObject.metadata?.labels, event.object.metadata?.labels);

/** Passes updates whose annotations changed; adds and deletes always pass. */
export const annotationsChanged: Predicate = (event) =>
  event.type !== 'update' || !sameRecord(event.oldObject.metadata?.annotations, event.object.metadata?.annotations);

/** Passes updates whose resourceVersion changed (drops resync no-ops); adds and deletes always pass. */
export const resourceVersionChanged: Predicate = (event) =>
  event.type !== 'update' || event.oldObject.metadata?.resourceVersion !== event.object.metadata?.resourceVersion;

/** Options of {@link namespaceFilter}. */
export interface NamespaceFilterOptions {
  /** Only these namespaces (empty or absent: all). @default all */
  readonly allow?: readonly string[];
  /** Never these namespaces; wins over `allow`. @default none */
  readonly deny?: readonly string[];
}

/** An object filter on the namespace: `allow` list (empty = all) minus `deny` list. */
export function namespaceFilter(options: NamespaceFilterOptions): Predicate {
  const allow = new Set(options.allow ?? []);
  const deny = new Set(options.deny ?? []);
  return objectFilter((object) => {
    const namespace = object.metadata?.namespace ?? '';
    return !deny.has(namespace) && (allow.size === 0 || allow.has(namespace));
  });
}

/**
 * Parses a comma-separated namespace list as the Go operators' `DENY_LIST` / `WATCH_NAMESPACE` variables hold it;
 * unlike them, it trims spaces and drops empty entries (`"a, b,"` is `['a', 'b']`).
 */
export function parseNamespaceList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** The annotation that pauses reconciliation of an object when set to `"true"`. */
export const pausedAnnotation = 'dsoi.io/paused';

/** An object filter that refuses objects whose `annotation` (default `dsoi.io/paused`) is `"true"`. */
export function notPaused(annotation: string = pausedAnnotation): Predicate {
  return objectFilter((object) => object.metadata?.annotations?.[annotation] !== 'true');
}

/** Passes when every predicate passes; the object filters of the parts combine the same way. */
export function and<TObject = KubeObject>(...predicates: Predicate<TObject>[]): Predicate<TObject> {
  const filters = predicates.flatMap((p) => (p.objectFilter ? [p.objectFilter] : []));
  const predicate = (event: ObjectEvent<TObject>) => predicates.every((p) => p(event));
  if (filters.length === 0) return predicate;
  return Object.assign(predicate, { objectFilter: (object: TObject) => filters.every((f) => f(object)) });
}

/** Passes when any predicate passes. It is an object filter only if every part is one. */
export function or<TObject = KubeObject>(...predicates: Predicate<TObject>[]): Predicate<TObject> {
  const predicate = (event: ObjectEvent<TObject>) => predicates.some((p) => p(event));
  const filters = predicates.map((p) => p.objectFilter);
  if (predicates.length === 0 || filters.some((f) => f === undefined)) return predicate;
  const defined = filters as ((object: TObject) => boolean)[];
  return Object.assign(predicate, { objectFilter: (object: TObject) => defined.some((f) => f(object)) });
}

/** Passes when `predicate` does not. The negation of an object filter is an object filter. */
export function not<TObject = KubeObject>(predicate: Predicate<TObject>): Predicate<TObject> {
  const negated = (event: ObjectEvent<TObject>) => !predicate(event);
  const filter = predicate.objectFilter;
  return filter ? Object.assign(negated, { objectFilter: (object: TObject) => !filter(object) }) : negated;
}

function sameRecord(a: Readonly<Record<string, string>> = {}, b: Readonly<Record<string, string>> = {}): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
