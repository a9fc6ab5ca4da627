import { ForbiddenError, isNotFound } from '@dsoi/client/errors';
import type { KubeObject } from '@dsoi/object';
import { afterEach, describe, expect, it } from 'vitest';
import { createCacheReader } from './cacheReader.js';
import { createFakeApi, eventually } from './internal/fakeApi.js';
import { createStoreFactory, type StoreFactoryState, storeFactoryOver } from './storeFactory.js';

const configMaps = { apiVersion: 'v1', kind: 'ConfigMap' };
const cm = (name: string, namespace: string, labels: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels } }) as KubeObject;
const quiet = { informerOptions: { onError: () => {}, watchConfirmMs: 0 } };

const running: AbortController[] = [];
afterEach(() => {
  for (const controller of running.splice(0)) controller.abort();
});
const startFactory = (factory: ReturnType<typeof createStoreFactory>) => {
  const controller = new AbortController();
  running.push(controller);
  return { controller, done: factory.start(controller.signal) };
};

describe('store factory', () => {
  it('shares one informer per kind, namespace and selectors, and stops it with the last release', async () => {
    const api = createFakeApi();
    const factory = createStoreFactory(api.client, quiet);
    const first = factory.informer(configMaps, { namespace: 'a' });
    const second = factory.informer(configMaps, { namespace: 'a' });
    const other = factory.informer(configMaps, { namespace: 'a', labelSelector: { app: 'web' } });
    const { controller, done } = startFactory(factory);
    await factory.waitForSync();
    await eventually(() => api.openWatches === 2);

    // Two handles on (ConfigMap, a) share one list and one watch.
    expect(api.watchCalls).toHaveLength(2);
    expect(api.listCalls).toHaveLength(2);
    expect(api.watchCalls.map((call) => call.labelSelector ?? '').sort()).toEqual(['', 'app=web']);
    expect(factory.hasSynced()).toBe(true);

    first.release();
    first.release();
    expect(api.openWatches).toBe(2);
    second.release();
    await eventually(() => api.openWatches === 1);
    other.release();
    await eventually(() => api.openWatches === 0);
    controller.abort();
    await expect(done).resolves.toBeUndefined();
  });

  it('keeps its entries, runs and run signal in one state: acquired, running, released, stopped', async () => {
    const api = createFakeApi();
    const state: StoreFactoryState = { entries: new Map(), running: new Set(), runSignal: undefined, failures: [] };
    const factory = storeFactoryOver(state, api.client, quiet);
    const first = factory.informer(configMaps, { namespace: 'a' });
    const second = factory.informer(configMaps, { namespace: 'a' });
    expect([...state.entries.values()].map((e) => [e.namespace, e.references])).toEqual([['a', 2]]);
    expect(state.running.size).toBe(0);

    const { controller, done } = startFactory(factory);
    expect(state.runSignal).toBe(controller.signal);
    expect(state.running.size).toBe(1);
    first.release();
    expect([...state.entries.values()].map((e) => e.references)).toEqual([1]);
    second.release();
    expect(state.entries.size).toBe(0);
    await eventually(() => state.running.size === 0);

    controller.abort();
    await done;
    expect(state.runSignal).toBeUndefined();
    expect(state.failures).toEqual([]);
  });

  it('starts an informer acquired while running at once, and ends a handle’s subscriptions on release', async () => {
    const api = createFakeApi();
    api.put(cm('x', 'a'));
    const factory = createStoreFactory(api.client, quiet);
    startFactory(factory);
    const keeper = factory.informer(configMaps);
    const handle = factory.informer(configMaps);
    const seen: string[] = [];
    handle.informer.subscribe({ add: (obj) => seen.push(obj.metadata?.name ?? '') });
    await handle.informer.waitForSync();
    expect(seen).toEqual(['x']);

    handle.release();
    await eventually(() => api.openWatches === 1);
    api.put(cm('y', 'a'));
    await eventually(() => keeper.informer.get('y', 'a') !== undefined);
    expect(seen).toEqual(['x']);
    await expect(handle.informer.start(new AbortController().signal)).rejects.toMatchObject({
      reason: 'SharedInformer',
    });
  });

  it('adds the custom indexes each user asks for, and refuses a second function under one name', async () => {
    const api = createFakeApi();
    api.put(cm('x', 'a', { tier: 'front' }));
    const factory = createStoreFactory(api.client, quiet);
    startFactory(factory);
    const byTier = (obj: KubeObject) => [(obj.metadata as { labels?: Record<string, string> }).labels?.tier ?? ''];
    const plain = factory.informer(configMaps);
    await factory.waitForSync();
    const indexed = factory.informer(configMaps, { indexers: { tier: byTier } });
    expect(indexed.informer.byIndex('tier', 'front').map((obj) => obj.metadata?.name)).toEqual(['x']);
    expect(plain.informer.byIndex('tier', 'front')).toHaveLength(1);
    expect(() => factory.informer(configMaps, { indexers: { tier: () => [] } })).toThrow(
      expect.objectContaining({ reason: 'IndexConflict' }),
    );
  });

  it('rejects waitForSync at once when one informer is forbidden', async () => {
    const api = createFakeApi();
    const forbidden = new ForbiddenError({ reason: 'Forbidden', code: 403, message: 'cannot list' });
    api.failLists(forbidden);
    const factory = createStoreFactory(api.client, {
      informerOptions: { onError: () => {}, initialBackoffMs: 5_000, maxBackoffMs: 5_000 },
    });
    factory.informer(configMaps, { namespace: 'a' });
    startFactory(factory);
    await expect(factory.waitForSync()).rejects.toBe(forbidden);
    expect(factory.hasSynced()).toBe(false);
  });

  it('rejects a second concurrent start()', async () => {
    const factory = createStoreFactory(createFakeApi().client, quiet);
    startFactory(factory);
    await expect(factory.start(new AbortController().signal)).rejects.toMatchObject({ reason: 'AlreadyStarted' });
  });
});

describe('cache reader', () => {
  it('reads get and list from the cache with the client Reader interface', async () => {
    const api = createFakeApi();
    api.put(cm('web', 'a', { app: 'web' }));
    api.put(cm('db', 'a', { app: 'db' }));
    api.put(cm('web', 'b', { app: 'web' }));
    const factory = createStoreFactory(api.client, quiet);
    factory.informer(configMaps);
    startFactory(factory);
    const reader = createCacheReader(factory);

    const got = await reader.get({ ...configMaps, name: 'web', namespace: 'a' });
    expect(got.metadata?.namespace).toBe('a');
    const listed = await reader.list(configMaps, { namespace: 'a', labelSelector: 'app=web' });
    expect(listed.items.map((obj) => `${obj.metadata?.namespace}/${obj.metadata?.name}`)).toEqual(['a/web']);
    const byName = await reader.list(configMaps, { fieldSelector: 'metadata.name=web' });
    expect(byName.items).toHaveLength(2);
    expect(listed.metadata.resourceVersion).toBe(api.resourceVersion);
    const missing = await reader.get({ ...configMaps, name: 'nope', namespace: 'a' }).catch((error: unknown) => error);
    expect(isNotFound(missing)).toBe(true);
    // The informer's own list, and no request for the reads.
    expect(api.listCalls).toHaveLength(1);
  });

  it('never creates an informer: an uncovered kind, namespace or field selector is a StoreError', async () => {
    const api = createFakeApi();
    const factory = createStoreFactory(api.client, quiet);
    factory.informer(configMaps, { namespace: 'a' });
    startFactory(factory);
    const reader = createCacheReader(factory);
    await expect(reader.list({ apiVersion: 'v1', kind: 'Secret' }, { namespace: 'a' })).rejects.toMatchObject({
      reason: 'NotCached',
    });
    await expect(reader.list(configMaps)).rejects.toThrow(
      'list v1 ConfigMap in all namespaces: no informer of the store factory caches it; acquire one with factory.informer() first',
    );
    await expect(reader.list(configMaps, { namespace: 'a', fieldSelector: 'data.x=1' })).rejects.toMatchObject({
      reason: 'InvalidSelector',
    });
    expect(api.listCalls.length).toBeLessThanOrEqual(1);
  });
});
