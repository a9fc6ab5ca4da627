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

export function createFakeApi(): FakeApi {
  const objects = new Map<string, StoredObject>();
  const history: { rv: number; event: WatchEvent }[] = [];
  const watches = new Set<OpenWatch>();
  const listFailures: unknown[] = [];
  const watchFailures: unknown[] = [];
  const listCalls: ListOptions[] = [];
  const watchCalls: WatchOptions[] = [];
  let rv = 1;
  let oldestRv = 1;
  let maxOpen = 0;

  const keyOf = (name: string, namespace?: string) => (namespace ? `${namespace}/${name}` : name);
  // Every reader gets its own copy, as JSON parsing gives a real client's caller.
  const copy = <T>(value: T): T => structuredClone(value);

  const store = (obj: KubeObject): { stored: StoredObject; existed: boolean } => {
    rv++;
    const name = obj.metadata?.name ?? '';
    const metadata = { uid: `uid-${name}`, ...(obj.metadata as Record<string, unknown>), resourceVersion: String(rv) };
    const stored = { ...obj, metadata } as StoredObject;
    const key = keyOf(stored.metadata.name, stored.metadata.namespace);
    const existed = objects.has(key);
    objects.set(key, stored);
    return { stored, existed };
  };
  const drop = (name: string, namespace?: string): StoredObject | undefined => {
    const key = keyOf(name, namespace);
    const old = objects.get(key);
    if (old === undefined) return undefined;
    objects.delete(key);
    rv++;
    return { ...old, metadata: { ...old.metadata, resourceVersion: String(rv) } };
  };
  const publish = (event: WatchEvent) => {
    history.push({ rv, event });
    for (const watch of watches) watch.push(copy(event));
  };

  const client = {
    async list<TObject extends KubeObject = KubeObject>(type: TypeMeta, options: ListOptions = {}) {
      listCalls.push(options);
      await Promise.resolve();
      if (listFailures.length > 0) throw listFailures.shift();
      const all = [...objects.values()].filter(
        (obj) => !options.namespace || obj.metadata.namespace === options.namespace,
      );
      const start = options.continue ? Number(options.continue) : 0;
      const end = options.limit ? start + options.limit : all.length;
      const list: ObjectList<TObject> = {
        apiVersion: type.apiVersion,
        kind: `${type.kind}List`,
        metadata: { resourceVersion: String(rv), ...(end < all.length ? { continue: String(end) } : {}) },
        items: copy(all.slice(start, end)) as unknown as Live<TObject>[],
      };
      return list;
    },
    watch<TObject extends KubeObject = KubeObject>(_type: TypeMeta, options: WatchOptions = {}) {
      watchCalls.push(options);
      const iterate = async function* (): AsyncGenerator<WatchEvent<TObject>> {
        if (watchFailures.length > 0) throw watchFailures.shift();
        const from = Number(options.resourceVersion ?? '0');
        if (from < oldestRv - 1) {
          throw new GoneError({
            reason: 'Expired',
            code: 410,
            message: `watch: Expired: too old resource version: ${from}`,
          });
        }
        const queue: WatchEvent[] = history.filter((entry) => entry.rv > from).map((entry) => copy(entry.event));
        let ended = false;
        let failure: { error: unknown } | undefined;
        let wake: (() => void) | undefined;
        const watch: OpenWatch = {
          push: (event) => {
            queue.push(event);
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
        const onAbort = () => watch.end();
        options.signal?.addEventListener('abort', onAbort);
        watches.add(watch);
        maxOpen = Math.max(maxOpen, watches.size);
        try {
          while (!options.signal?.aborted) {
            const event = queue.shift();
            if (event !== undefined) {
              yield event as WatchEvent<TObject>;
              continue;
            }
            if (failure !== undefined) throw failure.error;
            if (ended) return;
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
          }
        } finally {
          watches.delete(watch);
          options.signal?.removeEventListener('abort', onAbort);
        }
      };
      return iterate();
    },
  } satisfies InformerClient;

  return {
    client,
    put(obj) {
      const { stored, existed } = store(obj);
      publish({ type: existed ? 'MODIFIED' : 'ADDED', object: stored });
      return stored;
    },
    remove(name, namespace) {
      const deleted = drop(name, namespace);
      if (deleted !== undefined) publish({ type: 'DELETED', object: deleted });
    },
    send(event) {
      for (const watch of watches) watch.push(copy(event));
    },
    bookmark() {
      const event: WatchEvent = { type: 'BOOKMARK', object: { metadata: { resourceVersion: String(rv) } } };
      for (const watch of watches) watch.push(copy(event));
    },
    compact() {
      oldestRv = rv + 1;
      history.length = 0;
    },
    putSilently(obj) {
      return store(obj).stored;
    },
    removeSilently(name, namespace) {
      drop(name, namespace);
    },
    failLists: (...errors) => void listFailures.push(...errors),
    failWatches: (...errors) => void watchFailures.push(...errors),
    endWatches: () => {
      for (const watch of [...watches]) watch.end();
    },
    breakWatches: (error) => {
      for (const watch of [...watches]) watch.fail(error);
    },
    get resourceVersion() {
      return String(rv);
    },
    get openWatches() {
      return watches.size;
    },
    get maxOpenWatches() {
      return maxOpen;
    },
    listCalls,
    watchCalls,
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
