import { ConnectionError, ForbiddenError, GoneError } from '@dsoi/client/errors';
import type { KubeObject } from '@dsoi/object';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreError } from './errors.js';
import { createInformer, type Informer, type InformerOptions, informerDefaults } from './informer.js';
import { createFakeApi, eventually, type FakeApi } from './internal/fakeApi.js';

const configMaps = { apiVersion: 'v1', kind: 'ConfigMap' };
const cm = (name: string, data: Record<string, string> = {}, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', ...metadata }, data }) as KubeObject;

type Event = [string, string, string?];

const running: AbortController[] = [];
afterEach(() => {
  for (const controller of running.splice(0)) controller.abort();
});

/** Starts an informer on the fake with quiet error reporting and fast backoff; records every event it emits. */
function startInformer(api: FakeApi, options: InformerOptions = {}) {
  const errors: unknown[] = [];
  const informer = createInformer(api.client, configMaps, {
    onError: (error) => errors.push(error),
    initialBackoffMs: 5,
    maxBackoffMs: 20,
    watchConfirmMs: 0,
    ...options,
  });
  const events = record(informer);
  const controller = new AbortController();
  running.push(controller);
  const done = informer.start(controller.signal);
  return { informer, events, errors, controller, done };
}

function record(informer: Informer): Event[] {
  const events: Event[] = [];
  const rv = (obj: KubeObject) => obj.metadata?.resourceVersion ?? '';
  informer.subscribe({
    add: (obj) => events.push(['add', obj.metadata?.name ?? '']),
    update: (oldObj, newObj) => events.push(['update', newObj.metadata?.name ?? '', `${rv(oldObj)}->${rv(newObj)}`]),
    delete: (obj) => events.push(['delete', obj.metadata?.name ?? '']),
  });
  return events;
}

describe('list and watch', () => {
  it('lists page by page, then watches from the list resourceVersion with bookmarks and a randomised timeout', async () => {
    const api = createFakeApi();
    for (const name of ['a', 'b', 'c', 'd', 'e']) api.put(cm(name));
    const { informer, events } = startInformer(api, { pageSize: 2, random: () => 0.5 });
    await informer.waitForSync();

    expect(api.listCalls.map((call) => [call.limit, call.continue])).toEqual([
      [2, undefined],
      [2, '2'],
      [2, '4'],
    ]);
    expect(events).toEqual(['a', 'b', 'c', 'd', 'e'].map((name) => ['add', name]));
    await eventually(() => api.watchCalls.length === 1);
    expect(api.watchCalls[0]).toMatchObject({
      resourceVersion: api.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: 450,
      inactivityTimeoutMs: 90_000,
      retry: { maxAttempts: 1 },
    });
    expect(informer.stats()).toMatchObject({ lists: 3, relists: 0, watches: 1, objects: 5 });
  });

  it('emits add, update and delete in order and suppresses an update with an unchanged resourceVersion', async () => {
    const api = createFakeApi();
    const { informer, events } = startInformer(api);
    await informer.waitForSync();
    await eventually(() => api.openWatches === 1);

    const first = api.put(cm('a', { v: '1' }));
    const second = api.put(cm('a', { v: '2' }));
    api.send({ type: 'MODIFIED', object: second });
    api.send({ type: 'ADDED', object: second });
    api.remove('a', 'ns');
    api.send({ type: 'DELETED', object: second });
    api.put(cm('b'));
    await eventually(() => events.length === 4);
    await eventually(() => informer.stats().events === 7);

    const [v1, v2] = [first.metadata.resourceVersion, second.metadata.resourceVersion];
    expect(events).toEqual([
      ['add', 'a'],
      ['update', 'a', `${v1}->${v2}`],
      ['delete', 'a'],
      ['add', 'b'],
    ]);
    expect(informer.get('a', 'ns')).toBeUndefined();
    expect(informer.stats().lastResourceVersion).toBe(api.resourceVersion);
  });

  it('takes bookmarks as the resourceVersion to resume from, without an event', async () => {
    const api = createFakeApi();
    const { informer, events } = startInformer(api);
    await informer.waitForSync();
    await eventually(() => api.openWatches === 1);
    api.putSilently(cm('unseen'));
    api.bookmark();
    await eventually(() => informer.stats().bookmarks === 1);
    expect(informer.stats().lastResourceVersion).toBe(api.resourceVersion);
    expect(events).toEqual([]);

    api.endWatches();
    await eventually(() => api.watchCalls.length === 2);
    expect(api.watchCalls[1]?.resourceVersion).toBe(api.resourceVersion);
  });

  it('re-watches at once from the last resourceVersion when the server ends a watch, without relisting', async () => {
    const api = createFakeApi();
    const { informer, events } = startInformer(api, { initialBackoffMs: 10_000, maxBackoffMs: 10_000 });
    await informer.waitForSync();
    await eventually(() => api.openWatches === 1);
    api.put(cm('a'));
    await eventually(() => events.length === 1);
    api.endWatches();
    await eventually(() => api.openWatches === 1 && api.watchCalls.length === 2);
    api.put(cm('b'));
    await eventually(() => events.length === 2);

    expect(api.watchCalls[1]?.resourceVersion).toBe(api.watchCalls[0] && String(Number(api.resourceVersion) - 1));
    expect(informer.stats()).toMatchObject({ lists: 1, relists: 0, watches: 2, reconnects: 1, failures: 0 });
  });

  it('backs off instead of spinning when the server ends every watch at once without an event', async () => {
    const api = createFakeApi();
    const { informer, errors } = startInformer(api, { initialBackoffMs: 40, maxBackoffMs: 40 });
    await informer.waitForSync();
    const interval = setInterval(() => api.endWatches(), 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    clearInterval(interval);

    // 300 ms at one connection per 40-80 ms: a handful, not hundreds.
    expect(informer.stats().watches).toBeLessThanOrEqual(9);
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe('410 Gone and relists', () => {
  it('relists after 410 and swaps the cache atomically, emitting only the differences', async () => {
    const api = createFakeApi();
    for (const name of ['keep', 'change', 'drop']) api.put(cm(name));
    const { informer, events } = startInformer(api);
    await informer.waitForSync();
    await eventually(() => api.openWatches === 1);
    const kept = informer.get('keep', 'ns');
    events.length = 0;

    // Changes the informer never sees as events, then a compaction: resuming the watch must fail with 410.
    api.putSilently(cm('change', { v: '2' }));
    api.removeSilently('drop', 'ns');
    api.putSilently(cm('new'));
    api.compact();
    api.breakWatches(new ConnectionError({ message: 'reset', errno: 'ECONNRESET' }));

    await eventually(() => informer.stats().relists === 1);
    expect(events.map(([kind, name]) => [kind, name])).toEqual([
      ['add', 'new'],
      ['update', 'change'],
      ['delete', 'drop'],
    ]);
    expect(informer.get('keep', 'ns')).toBe(kept);
    expect(
      informer
        .list()
        .map((obj) => obj.metadata?.name)
        .sort(),
    ).toEqual(['change', 'keep', 'new']);
    expect(informer.stats()).toMatchObject({ lists: 2, relists: 1 });
  });

  it('treats a 410 status on the watch request like an in-stream 410', async () => {
    const api = createFakeApi();
    api.put(cm('a'));
    const { informer, events } = startInformer(api);
    await informer.waitForSync();
    await eventually(() => api.openWatches === 1);
    api.failWatches(new GoneError({ reason: 'Gone', code: 410, message: 'gone' }));
    api.endWatches();

    await eventually(() => informer.stats().relists === 1);
    await eventually(() => api.openWatches === 1);
    expect(events).toEqual([['add', 'a']]);
  });

  it('restarting after a stop relists and emits only what changed meanwhile', async () => {
    const api = createFakeApi();
    for (const name of ['a', 'b']) api.put(cm(name));
    const { informer, events, controller, done } = startInformer(api);
    await informer.waitForSync();
    controller.abort();
    await done;
    expect(api.openWatches).toBe(0);

    api.put(cm('b', { v: '2' }));
    api.put(cm('c'));
    events.length = 0;
    const again = new AbortController();
    running.push(again);
    void informer.start(again.signal);
    await eventually(() => events.length === 2);
    expect(events.map(([kind, name]) => [kind, name])).toEqual([
      ['add', 'c'],
      ['update', 'b'],
    ]);
  });
});

describe('cached objects', () => {
  it('are deep-frozen copies without managedFields, and one instance serves every read', async () => {
    const api = createFakeApi();
    api.put(cm('a', { k: 'v' }, { labels: { app: 'web' }, managedFields: [{ manager: 'kubectl' }] }));
    const { informer } = startInformer(api);
    await informer.waitForSync();

    const obj = informer.get('a', 'ns') as KubeObject & { data: Record<string, string> };
    expect(obj.metadata).not.toHaveProperty('managedFields');
    expect(Object.isFrozen(obj)).toBe(true);
    expect(() => {
      obj.data.k = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (obj.metadata as { labels: Record<string, string> }).labels.app = 'x';
    }).toThrow(TypeError);
    expect(informer.list()[0]).toBe(obj);
    expect(informer.byIndex('label', 'app=web')[0]).toBe(obj);
  });

  it('applies the transform and honours freeze: false and stripManagedFields: false', async () => {
    const api = createFakeApi();
    api.put(cm('a', { big: 'x'.repeat(100) }, { managedFields: [{ manager: 'kubectl' }] }));
    const { informer } = startInformer(api, {
      freeze: false,
      stripManagedFields: false,
      transform: (obj) => ({ ...obj, data: {} }) as KubeObject,
    });
    await informer.waitForSync();
    const obj = informer.get('a', 'ns') as KubeObject & { data: object; metadata: { managedFields?: unknown } };
    expect(obj.data).toEqual({});
    expect(obj.metadata.managedFields).toEqual([{ manager: 'kubectl' }]);
    expect(Object.isFrozen(obj)).toBe(false);
  });

  it('keeps an object whose transform throws, untransformed, and reports the error', async () => {
    const api = createFakeApi();
    api.put(cm('a'));
    const { informer, errors } = startInformer(api, {
      transform: () => {
        throw new Error('bad transform');
      },
    });
    await informer.waitForSync();
    expect(informer.get('a', 'ns')).toBeDefined();
    expect(errors).toEqual([new Error('bad transform')]);
  });
});

describe('handlers', () => {
  it('isolates a throwing handler: the others and the informer go on, and onHandlerError hears of it', async () => {
    const api = createFakeApi();
    const handlerErrors: unknown[] = [];
    const { informer, events } = startInformer(api, {
      onHandlerError: (error, info) =>
        handlerErrors.push([(error as Error).message, info.event, info.object.metadata?.name]),
    });
    informer.subscribe({
      add: () => {
        throw new Error('boom');
      },
      update: async () => {
        throw new Error('async boom');
      },
    });
    await informer.waitForSync();
    await eventually(() => api.openWatches === 1);
    api.put(cm('a'));
    api.put(cm('a', { v: '2' }));
    api.put(cm('b'));
    await eventually(() => events.length === 3);
    await eventually(() => handlerErrors.length === 3);
    expect(handlerErrors).toEqual([
      ['boom', 'add', 'a'],
      ['async boom', 'update', 'a'],
      ['boom', 'add', 'b'],
    ]);
    expect(informer.stats().failures).toBe(0);
  });

  it('replays the cache to a late subscriber as adds, then delivers live events, with no duplicates', async () => {
    const api = createFakeApi();
    for (const name of ['a', 'b']) api.put(cm(name));
    const { informer } = startInformer(api);
    await informer.waitForSync();
    await eventually(() => api.openWatches === 1);

    const late = record(informer);
    expect(late).toEqual([
      ['add', 'a'],
      ['add', 'b'],
    ]);
    api.put(cm('c'));
    await eventually(() => late.length === 3);
    expect(late[2]).toEqual(['add', 'c']);
  });

  it('replays once to a subscriber added from inside a handler during the initial list', async () => {
    const api = createFakeApi();
    for (const name of ['a', 'b', 'c']) api.put(cm(name));
    const informer = createInformer(api.client, configMaps, { onError: () => {}, watchConfirmMs: 0 });
    const inner: string[] = [];
    const unsubscribeOuter = informer.subscribe({
      add: () => {
        unsubscribeOuter();
        informer.subscribe({ add: (obj) => inner.push(obj.metadata?.name ?? '') });
      },
    });
    const controller = new AbortController();
    running.push(controller);
    void informer.start(controller.signal);
    await informer.waitForSync();
    expect(inner).toEqual(['a', 'b', 'c']);
  });

  it('stops calling a handler once unsubscribed', async () => {
    const api = createFakeApi();
    const { informer } = startInformer(api);
    const seen: string[] = [];
    const unsubscribe = informer.subscribe({ add: (obj) => seen.push(obj.metadata?.name ?? '') });
    await informer.waitForSync();
    await eventually(() => api.openWatches === 1);
    api.put(cm('a'));
    await eventually(() => seen.length === 1);
    unsubscribe();
    api.put(cm('b'));
    await eventually(() => informer.get('b', 'ns') !== undefined);
    expect(seen).toEqual(['a']);
  });
});

describe('failures', () => {
  it('never gives up: retries list and watch failures with backoff, one watch connection at a time', async () => {
    const api = createFakeApi();
    const reset = () => new ConnectionError({ message: 'reset', errno: 'ECONNRESET' });
    api.failLists(reset(), reset());
    api.failWatches(reset(), reset(), reset());
    const retries: number[] = [];
    const { informer } = startInformer(api, {
      onError: (_error, info) => retries.push(info.retryInMs ?? -1),
      initialBackoffMs: 2,
      maxBackoffMs: 6,
    });
    await informer.waitForSync();
    await eventually(() => api.openWatches === 1);
    api.put(cm('a'));
    await eventually(() => informer.get('a', 'ns') !== undefined);

    expect(retries).toHaveLength(5);
    for (const delay of retries) {
      expect(delay).toBeGreaterThanOrEqual(2);
      expect(delay).toBeLessThanOrEqual(6);
    }
    expect(informer.stats()).toMatchObject({ failures: 5, lists: 3, watches: 4, reconnects: 3 });
    expect(api.maxOpenWatches).toBe(1);
  });

  it('rejects waitForSync at once with the ForbiddenError of the list, keeps retrying, and syncs once allowed', async () => {
    const api = createFakeApi();
    const forbidden = new ForbiddenError({ reason: 'Forbidden', code: 403, message: 'cannot list configmaps' });
    api.failLists(forbidden);
    const { informer } = startInformer(api, { initialBackoffMs: 30, maxBackoffMs: 30 });

    await expect(informer.waitForSync()).rejects.toBe(forbidden);
    expect(informer.hasSynced()).toBe(false);
    await expect(informer.waitForSync()).rejects.toBe(forbidden);
    await eventually(() => informer.hasSynced());
    await expect(informer.waitForSync()).resolves.toBeUndefined();
  });

  it('rejects waitForSync with the ForbiddenError of the first watch when only the list is allowed', async () => {
    const api = createFakeApi();
    const forbidden = new ForbiddenError({ reason: 'Forbidden', code: 403, message: 'cannot watch configmaps' });
    api.failWatches(forbidden);
    const { informer } = startInformer(api, { watchConfirmMs: 1_000, initialBackoffMs: 1_000, maxBackoffMs: 1_000 });
    await expect(informer.waitForSync()).rejects.toBe(forbidden);
    expect(informer.hasSynced()).toBe(false);
  });

  it('counts a watch closed by the inactivity watchdog (TimeoutError after the quiet period)', async () => {
    const api = createFakeApi();
    const { informer } = startInformer(api, { inactivityTimeoutMs: 30 });
    await informer.waitForSync();
    await eventually(() => api.openWatches === 1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const { TimeoutError } = await import('@dsoi/client/errors');
    api.breakWatches(new TimeoutError({ reason: 'Timeout', code: 0, message: 'no data for 30 ms' }));
    await eventually(() => informer.stats().inactivityTimeouts === 1 && api.openWatches === 1);
    expect(informer.stats().relists).toBe(0);
  });
});

describe('lifecycle', () => {
  it('refuses a reconnectMaxDelayMs below reconnectInitialDelayMs, old names or new', () => {
    const api = createFakeApi();
    expect(() =>
      createInformer(api.client, configMaps, { reconnectInitialDelayMs: 5_000, reconnectMaxDelayMs: 1_000 }),
    ).toThrow('informer v1 ConfigMap: reconnectMaxDelayMs (1000) is below reconnectInitialDelayMs (5000)');
    // The deprecated names still count, and the new names win over them.
    expect(() =>
      createInformer(api.client, configMaps, { initialBackoffMs: 5_000, reconnectMaxDelayMs: 1_000 }),
    ).toThrow('reconnectMaxDelayMs (1000) is below reconnectInitialDelayMs (5000)');
    expect(() =>
      createInformer(api.client, configMaps, {
        initialBackoffMs: 5_000,
        reconnectInitialDelayMs: 500,
        maxBackoffMs: 1_000,
      }),
    ).not.toThrow();
    expect(() =>
      createInformer(api.client, configMaps, {
        maxBackoffMs: 100,
        reconnectMaxDelayMs: 2_000,
        initialBackoffMs: 1_000,
      }),
    ).not.toThrow();
    expect(informerDefaults).toMatchObject({ reconnectInitialDelayMs: 800, initialBackoffMs: 800 });
    expect(informerDefaults).toMatchObject({ reconnectMaxDelayMs: 30_000, maxBackoffMs: 30_000 });
  });

  it('refuses options that cannot work, before any request', () => {
    const api = createFakeApi();
    expect(() => createInformer(api.client, configMaps, { pageSize: 0 })).toThrow(
      'informer v1 ConfigMap: pageSize must be a positive number, got 0',
    );
    expect(() => createInformer(api.client, configMaps, { initialBackoffMs: 5_000, maxBackoffMs: 1_000 })).toThrow(
      expect.objectContaining({ reason: 'InvalidOption' }),
    );
    expect(() => createInformer(api.client, configMaps, { labelSelector: 'app in ()' })).toThrow(
      expect.objectContaining({ reason: 'InvalidSelector' }),
    );
    expect(api.listCalls).toHaveLength(0);
  });

  it('resolves start() after abort with the watch closed, and rejects a second concurrent start()', async () => {
    const api = createFakeApi();
    const { informer, controller, done } = startInformer(api);
    await informer.waitForSync();
    await eventually(() => api.openWatches === 1);
    await expect(informer.start(new AbortController().signal)).rejects.toMatchObject({ reason: 'AlreadyStarted' });
    controller.abort();
    await expect(done).resolves.toBeUndefined();
    expect(api.openWatches).toBe(0);
  });

  it('rejects pending waitForSync calls with StoreError Stopped, or with the signal reason on abort', async () => {
    const api = createFakeApi();
    api.failLists(new ConnectionError({ message: 'refused', errno: 'ECONNREFUSED' }));
    const { informer, controller, done } = startInformer(api, { initialBackoffMs: 1_000, maxBackoffMs: 1_000 });
    const waiting = informer.waitForSync();
    const caller = new AbortController();
    const abandoned = informer.waitForSync(caller.signal);
    caller.abort(new Error('caller gave up'));
    await expect(abandoned).rejects.toThrow('caller gave up');
    controller.abort();
    await done;
    await expect(waiting).rejects.toBeInstanceOf(StoreError);
    await expect(waiting).rejects.toMatchObject({ reason: 'Stopped' });
  });

  it('reports the age of the last event for readiness probes', async () => {
    const api = createFakeApi();
    const informer = createInformer(api.client, configMaps, { onError: () => {}, watchConfirmMs: 0 });
    expect(informer.lastEventAgeMs()).toBe(Number.POSITIVE_INFINITY);
    const controller = new AbortController();
    running.push(controller);
    void informer.start(controller.signal);
    await informer.waitForSync();
    expect(informer.lastEventAgeMs()).toBeLessThan(1_000);
  });

  it('logs through console by default', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const api = createFakeApi();
    api.failLists(new ConnectionError({ message: 'refused', errno: 'ECONNREFUSED' }));
    const informer = createInformer(api.client, configMaps, { initialBackoffMs: 1, maxBackoffMs: 1 });
    const controller = new AbortController();
    running.push(controller);
    void informer.start(controller.signal);
    await informer.waitForSync();
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^informer v1 ConfigMap: list failed: refused; retrying in 1 ms$/),
    );
    warn.mockRestore();
  });
});
