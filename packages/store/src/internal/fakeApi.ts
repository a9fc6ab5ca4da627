/**
 * A test double of the API server's list and watch for the unit tests: an in-memory kind with resourceVersions,
 * an event history (so a watch resumes or answers 410 Gone), injectable failures and a count of open watches.
 * Not exported from the package.
 */
import type { KubeObject, ListOptions, Live, ObjectList, TypeMeta, WatchEvent, WatchOptions } from '@dsoi/client';
import { GoneError } from '@dsoi/client/errors';
import type { InformerClient } from '../informer.js';

type StoredObject = Live<KubeObject> & {
  readonly metadata: { readonly namespace?: string } & Readonly<Record<string, unknown>>;
};

interface OpenWatch {
  push(event: WatchEvent): void;
  end(): void;
  fail(error: unknown): void;
}

/** The fake server; `client` is what the informer under test talks to. */
export interface FakeApi {
  readonly client: InformerClient;
  /** Creates or replaces an object (new resourceVersion) and notifies open watches (ADDED or MODIFIED). */
  put(obj: KubeObject): StoredObject;
  /** Deletes an object and notifies open watches (DELETED). */
  remove(name: string, namespace?: string): void;
  /** Sends any event, as is, to open watches (e.g. a repeat of an earlier one). */
  send(event: WatchEvent): void;
  /** Sends a BOOKMARK with the current resourceVersion to open watches. */
  bookmark(): void;
  /** Forgets the history: watches from an older resourceVersion fail with 410 Gone. */
  compact(): void;
  /** Changes an object without telling open watches (as if the event fell into a gap), for relist tests. */
  putSilently(obj: KubeObject): StoredObject;
  /** Deletes without telling open watches. */
  removeSilently(name: string, namespace?: string): void;
  /** Makes the next list calls fail with these errors, in order. */
  failLists(...errors: unknown[]): void;
  /** Makes the next watch calls fail (on their first `next()`) with these errors, in order. */
  failWatches(...errors: unknown[]): void;
  /** Ends every open watch normally (as the server's timeoutSeconds does). */
  endWatches(): void;
  /** Breaks every open watch with `error`. */
  breakWatches(error: unknown): void;
  /** The current resourceVersion. */
  readonly resourceVersion: string;
  /** Watches currently open, and the most ever open at once. */
  readonly openWatches: number;
  readonly maxOpenWatches: number;
  readonly listCalls: ListOptions[];
  readonly watchCalls: WatchOptions[];
}

/** What the fake server holds, readable by a test: objects, the event history, open watches, failures to inject. */
export interface FakeApiState {
  readonly objects: Map<string, StoredObject>;
  readonly history: { rv: number; event: WatchEvent }[];
  readonly watches: Set<OpenWatch>;
  readonly listFailures: unknown[];
  readonly watchFailures: unknown[];
  readonly listCalls: ListOptions[];
  readonly watchCalls: WatchOptions[];
  /** The current resourceVersion, and the oldest one a watch may resume from. */
  rv: number;
  oldestRv: number;
  maxOpen: number;
}

export function createFakeApi(): FakeApi {
  const state: FakeApiState = {
    objects: new Map(),
    history: [],
    watches: new Set(),
    listFailures: [],
    watchFailures: [],
    listCalls: [],
    watchCalls: [],
    rv: 1,
    oldestRv: 1,
    maxOpen: 0,
  };
  const client = {
    list: <TObject extends KubeObject = KubeObject>(type: TypeMeta, options: ListOptions = {}) =>
      listFrom<TObject>(state, type, options),
    watch: <TObject extends KubeObject = KubeObject>(_type: TypeMeta, options: WatchOptions = {}) =>
      watchFrom<TObject>(state, options),
  } satisfies InformerClient;
  const toWatches = (event: WatchEvent) => {
    for (const watch of state.watches) watch.push(copyAs<WatchEvent>(event));
  };
  return {
    client,
    put(obj) {
      const { stored, existed } = storeObject(state, obj);
      publish(state, { type: existed ? 'MODIFIED' : 'ADDED', object: stored });
      return stored;
    },
    remove(name, namespace) {
      const deleted = dropObject(state, name, namespace);
      if (deleted !== undefined) publish(state, { type: 'DELETED', object: deleted });
    },
    send: toWatches,
    bookmark: () => toWatches({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(state.rv) } } }),
    compact() {
      state.oldestRv = state.rv + 1;
      state.history.length = 0;
    },
    putSilently: (obj) => storeObject(state, obj).stored,
    removeSilently: (name, namespace) => void dropObject(state, name, namespace),
    failLists: (...errors) => void state.listFailures.push(...errors),
    failWatches: (...errors) => void state.watchFailures.push(...errors),
    endWatches: () => {
      for (const watch of [...state.watches]) watch.end();
    },
    breakWatches: (error) => {
      for (const watch of [...state.watches]) watch.fail(error);
    },
    get resourceVersion() {
      return String(state.rv);
    },
    get openWatches() {
      return state.watches.size;
    },
    get maxOpenWatches() {
      return state.maxOpen;
    },
    listCalls: state.listCalls,
    watchCalls: state.watchCalls,
  };
}

const keyOf = (name: string, namespace?: string) => (namespace ? `${namespace}/${name}` : name);

/** A deep copy typed as what the caller asked for: every reader gets its own, as JSON parsing gives a real client's. */
function copyAs<T>(value: unknown): T {
  return structuredClone(value) as T;
}

/** Creates or replaces an object under a new resourceVersion. */
function storeObject(state: FakeApiState, obj: KubeObject): { stored: StoredObject; existed: boolean } {
  state.rv++;
  const name = obj.metadata?.name ?? '';
  const metadata = { uid: `uid-${name}`, ...obj.metadata, resourceVersion: String(state.rv) };
  // The server's fields (uid, resourceVersion) are set here; apiVersion and kind are the test's to give.
  const stored = { ...obj, metadata } as StoredObject;
  const key = keyOf(name, stored.metadata.namespace);
  const existed = state.objects.has(key);
  state.objects.set(key, stored);
  return { stored, existed };
}

/** Deletes an object; returns it with the resourceVersion of its deletion. */
function dropObject(state: FakeApiState, name: string, namespace?: string): StoredObject | undefined {
  const key = keyOf(name, namespace);
  const old = state.objects.get(key);
  if (old === undefined) return undefined;
  state.objects.delete(key);
  state.rv++;
  return { ...old, metadata: { ...old.metadata, resourceVersion: String(state.rv) } };
}

/** Records an event in the history (for watches that resume) and sends it to open watches. */
function publish(state: FakeApiState, event: WatchEvent): void {
  state.history.push({ rv: state.rv, event });
  for (const watch of state.watches) watch.push(copyAs<WatchEvent>(event));
}

/** One page of the list, `limit` objects from the `continue` offset, or the next injected failure. */
async function listFrom<TObject extends KubeObject>(
  state: FakeApiState,
  type: TypeMeta,
  options: ListOptions,
): Promise<ObjectList<TObject>> {
  state.listCalls.push(options);
  await Promise.resolve();
  if (state.listFailures.length > 0) throw state.listFailures.shift();
  const all = [...state.objects.values()].filter(
    (obj) => !options.namespace || obj.metadata.namespace === options.namespace,
  );
  const start = options.continue ? Number(options.continue) : 0;
  const end = options.limit ? start + options.limit : all.length;
  return {
    apiVersion: type.apiVersion,
    kind: `${type.kind}List`,
    metadata: { resourceVersion: String(state.rv), ...(end < all.length ? { continue: String(end) } : {}) },
    items: copyAs<Live<TObject>[]>(all.slice(start, end)),
  };
}

/**
 * A watch from `options.resourceVersion`: the history after it, then live events until it is ended, broken or
 * aborted; 410 Gone when the history no longer reaches back that far, or the next injected failure.
 */
async function* watchFrom<TObject extends KubeObject>(
  state: FakeApiState,
  options: WatchOptions,
): AsyncGenerator<WatchEvent<TObject>> {
  state.watchCalls.push(options);
  if (state.watchFailures.length > 0) throw state.watchFailures.shift();
  const from = Number(options.resourceVersion ?? '0');
  if (from < state.oldestRv - 1) {
    throw new GoneError({ reason: 'Expired', code: 410, message: `watch: Expired: too old resource version: ${from}` });
  }
  const queue = state.history
    .filter((entry) => entry.rv > from)
    .map((entry) => copyAs<WatchEvent<TObject>>(entry.event));
  const inbox = openInbox<TObject>(queue);
  const onAbort = () => inbox.watch.end();
  options.signal?.addEventListener('abort', onAbort);
  state.watches.add(inbox.watch);
  state.maxOpen = Math.max(state.maxOpen, state.watches.size);
  try {
    while (!options.signal?.aborted) {
      const event = queue.shift();
      if (event !== undefined) yield event;
      else if (inbox.failure() !== undefined) throw inbox.failure()!.error;
      else if (inbox.ended()) return;
      else await inbox.next();
    }
  } finally {
    state.watches.delete(inbox.watch);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** An open watch's inbox: events pushed into `queue`, its end or failure, and a promise of the next change. */
function openInbox<TObject extends KubeObject>(queue: WatchEvent<TObject>[]) {
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const watch: OpenWatch = {
    push: (event) => {
      queue.push(event as WatchEvent<TObject>); // every sender passes its own copy
      wake?.();
    },
    end: () => {
      ended = true;
      wake?.();
    },
    fail: (error) => {
      failure = { error };
      wake?.();
    },
  };
  return {
    watch,
    ended: () => ended,
    failure: () => failure,
    next: () =>
      new Promise<void>((resolve) => {
        wake = () => {
          wake = undefined;
          resolve();
        };
      }),
  };
}

/** Polls `check` until it stops throwing (or returns true); fails with its last error after `timeoutMs`. */
export async function eventually(check: () => unknown, timeoutMs = 2_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      if ((await check()) !== false) return;
      if (performance.now() > deadline) throw new Error('condition still false');
    } catch (error) {
      if (performance.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
