/** What the informer's list-watch loop runs: paginated lists swapped into the cache, and watch events applied to it. */

import type { WatchEvent } from '@dsoi/client';
import { isForbidden, isTimeout, isUnauthorized, isUnknownKind } from '@dsoi/client/errors';
import type { KubeObject, TypeMeta } from '@dsoi/object';
import { type CacheReader, type CacheWriter, keyOf } from '../cache.js';
import type { InformerClient, InformerErrorInfo } from '../informer.js';
import type { ListWatchSteps } from './listWatchLoop.js';
import type { Subscribers } from './subscribers.js';
import type { SyncGate } from './syncGate.js';

/** The requests an informer sends, as its options settled them. */
export interface InformerRequests {
  readonly namespace: string | undefined;
  /** The label selector as the API takes it. */
  readonly labelSelector: string | undefined;
  readonly fieldSelector: string | undefined;
  readonly pageSize: number;
  readonly watchTimeoutSeconds: number;
  readonly inactivityTimeoutMs: number;
  readonly allowWatchBookmarks: boolean;
  readonly watchConfirmMs: number;
  readonly random: () => number;
}

/** The informer's counters and marks, written by the steps and read by `stats()` and `lastEventAgeMs()`. */
export interface InformerProgress {
  readonly counters: {
    lists: number;
    relists: number;
    watches: number;
    reconnects: number;
    events: number;
    bookmarks: number;
    inactivityTimeouts: number;
    failures: number;
  };
  lastResourceVersion: string | undefined;
  /** `performance.now()` of the last list, event or bookmark. */
  lastActivityMs: number | undefined;
  completedLists: number;
}

/** Everything the steps work on. */
export interface InformerContext<TObject extends KubeObject> {
  readonly client: InformerClient;
  readonly type: TypeMeta;
  readonly requests: InformerRequests;
  readonly reader: CacheReader<TObject>;
  readonly writer: CacheWriter<TObject>;
  readonly subscribers: Subscribers<TObject>;
  readonly gate: SyncGate;
  /** Strips, transforms and freezes an object the client just parsed. */
  readonly prepare: (raw: TObject) => TObject;
  readonly report: (error: unknown, info: InformerErrorInfo) => void;
  readonly progress: InformerProgress;
}

/** A fresh {@link InformerProgress}: nothing listed, no activity. */
export function createInformerProgress(): InformerProgress {
  const counters = {
    lists: 0,
    relists: 0,
    watches: 0,
    reconnects: 0,
    events: 0,
    bookmarks: 0,
    inactivityTimeouts: 0,
    failures: 0,
  };
  return { counters, lastResourceVersion: undefined, lastActivityMs: undefined, completedLists: 0 };
}

/** The steps of the informer's list-watch loop over `context`. */
export function informerSteps<TObject extends KubeObject>(context: InformerContext<TObject>): ListWatchSteps {
  const { counters } = context.progress;
  return {
    async list(signal) {
      await listIntoCache(context, signal);
      if (context.requests.watchConfirmMs <= 0 && !signal.aborted) context.gate.open();
    },
    watch: (signal) => watchOnce(context, signal),
    // The inactivity watchdog's error: the client's TimeoutError after at least `inactivityTimeoutMs` of silence.
    isQuiet: (error, connectedAtMs) =>
      isTimeout(error) &&
      performance.now() - Math.max(connectedAtMs, context.progress.lastActivityMs ?? 0) >=
        context.requests.inactivityTimeoutMs,
    onReconnect: () => {
      counters.reconnects++;
    },
    onFailure(error, { operation, failures, retryInMs, quiet }) {
      counters.failures++;
      if (quiet) counters.inactivityTimeouts++;
      if (blocksSync(error)) context.gate.block(error);
      context.report(error, { operation, failures, retryInMs });
    },
  };
}

/** Errors that keep the cache from counting as synced: the informer cannot read this kind at all. */
function blocksSync(error: unknown): boolean {
  return isForbidden(error) || isUnauthorized(error) || isUnknownKind(error);
}

/** Reads the whole list, then swaps it in and emits the differences (all `add` the first time). */
async function listIntoCache<TObject extends KubeObject>(context: InformerContext<TObject>, signal: AbortSignal) {
  const { client, type, requests, reader, progress } = context;
  const next = new Map<string, TObject>();
  let token: string | undefined;
  let resourceVersion: string | undefined;
  do {
    progress.counters.lists++;
    const page = await client.list<TObject>(type, {
      namespace: requests.namespace,
      labelSelector: requests.labelSelector,
      fieldSelector: requests.fieldSelector,
      limit: requests.pageSize,
      continue: token,
      signal,
    });
    for (const raw of page.items) {
      const old = reader.get(raw.metadata?.name ?? '', raw.metadata?.namespace);
      // Keep the cached instance of an unchanged object: one copy in memory, and no event for it.
      const same = old !== undefined && sameVersion(old, raw);
      next.set(keyOf(raw), same ? old : context.prepare(raw));
    }
    token = page.metadata.continue || undefined;
    resourceVersion = page.metadata.resourceVersion;
  } while (token !== undefined && !signal.aborted);
  if (signal.aborted) return;
  const diff = context.writer.replace(next);
  if (progress.completedLists++ > 0) progress.counters.relists++;
  progress.lastResourceVersion = resourceVersion;
  progress.lastActivityMs = performance.now();
  context.gate.clearBlock();
  context.subscribers.emitBatch(diff);
}

/** One watch connection from the last resourceVersion; resolves with the number of events when the server ends it. */
async function watchOnce<TObject extends KubeObject>(context: InformerContext<TObject>, signal: AbortSignal) {
  const { requests, gate, progress } = context;
  progress.counters.watches++;
  const stream = context.client.watch<TObject>(context.type, {
    namespace: requests.namespace,
    labelSelector: requests.labelSelector,
    fieldSelector: requests.fieldSelector,
    resourceVersion: progress.lastResourceVersion,
    allowWatchBookmarks: requests.allowWatchBookmarks,
    timeoutSeconds: Math.floor(requests.watchTimeoutSeconds * (1 + requests.random())),
    inactivityTimeoutMs: requests.inactivityTimeoutMs,
    signal,
    // Our own backoff decides when to reconnect; the client must not retry behind our back.
    retry: { maxAttempts: 1 },
  });
  const confirm = gate.synced ? undefined : setTimeout(() => gate.open(), requests.watchConfirmMs);
  let events = 0;
  try {
    for await (const event of stream) {
      events++;
      progress.lastActivityMs = performance.now();
      gate.open();
      applyEvent(context, event);
    }
  } catch (error) {
    // The list stands; only a refusal of the watch (RBAC) keeps the cache from counting as synced.
    if (!blocksSync(error) && !signal.aborted) gate.open();
    throw error;
  } finally {
    clearTimeout(confirm);
  }
  if (!signal.aborted) gate.open();
  return events;
}

/** Applies one watch event to the cache and tells the subscribers; a bookmark only moves the resourceVersion. */
function applyEvent<TObject extends KubeObject>(context: InformerContext<TObject>, event: WatchEvent<TObject>) {
  const { progress, subscribers } = context;
  if (event.type === 'BOOKMARK') {
    progress.counters.bookmarks++;
    progress.lastResourceVersion = event.object.metadata?.resourceVersion || progress.lastResourceVersion;
    return;
  }
  progress.counters.events++;
  const raw = event.object;
  progress.lastResourceVersion = raw.metadata?.resourceVersion || progress.lastResourceVersion;
  if (event.type === 'DELETED') {
    const old = context.writer.remove(keyOf(raw));
    if (old !== undefined) subscribers.emitDelete(context.prepare(raw));
    return;
  }
  const old = context.reader.get(raw.metadata?.name ?? '', raw.metadata?.namespace);
  if (old !== undefined && sameVersion(old, raw)) return;
  const obj = context.prepare(raw);
  context.writer.upsert(obj);
  if (old === undefined) subscribers.emitAdd(obj);
  else subscribers.emitUpdate(old, obj);
}

/** Equal resourceVersions mean the same object state (versions are opaque: compared for equality only). */
function sameVersion(a: KubeObject, b: KubeObject): boolean {
  const version = a.metadata?.resourceVersion;
  return version !== undefined && version === b.metadata?.resourceVersion;
}
