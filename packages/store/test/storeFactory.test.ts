// Shared informers and cache reads against the run's real kube-apiserver.
import { isNotFound } from '@dsoi/client/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { createCacheReader, createStoreFactory } from '../src/index.js';
import { adminClient, configMap, configMapType, eventually, newNamespace, run } from './helpers.js';

const cleanup: AbortController[] = [];
afterEach(() => {
  for (const controller of cleanup.splice(0)) controller.abort();
});

describe('store factory on a real API server', () => {
  it('shares one list and one watch between users of the same informer, and stops it after the last release', async () => {
    const namespace = await newNamespace('store-factory');
    const client = adminClient();
    await client.create({
      ...configMap(namespace, 'web'),
      metadata: { name: 'web', namespace, labels: { app: 'web' } },
    });
    await client.create(configMap(namespace, 'db'));
    const factory = createStoreFactory(client, { informerOptions: { onError: () => {} } });
    const first = factory.informer(configMapType, { namespace });
    const second = factory.informer(configMapType, { namespace });
    const labelled = factory.informer(configMapType, { namespace, labelSelector: { app: 'web' } });
    const before = client.stats().byVerb;
    const { controller, done } = run(factory, cleanup);
    await factory.waitForSync();

    const after = client.stats().byVerb;
    // Two informers (plain and labelled), each one list and one watch, whatever the number of users.
    expect((after.list ?? 0) - (before.list ?? 0)).toBe(2);
    await eventually(() => (client.stats().byVerb.watch ?? 0) - (before.watch ?? 0) === 2);
    expect(first.informer.list()).toHaveLength(2);
    expect(second.informer.get('db', namespace)).toBe(first.informer.get('db', namespace));
    expect(labelled.informer.list().map((obj) => obj.metadata?.name)).toEqual(['web']);

    // A user acquiring the informer later gets the cache replayed.
    const late: string[] = [];
    const lateHandle = factory.informer(configMapType, { namespace });
    lateHandle.informer.subscribe({ add: (obj) => late.push(obj.metadata?.name ?? '') });
    expect(late.sort()).toEqual(['db', 'web']);

    first.release();
    second.release();
    await client.create(configMap(namespace, 'still-watched'));
    await eventually(() => lateHandle.informer.get('still-watched', namespace) !== undefined);
    expect(late).toContain('still-watched');

    lateHandle.release();
    labelled.release();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.create(configMap(namespace, 'after-release'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(lateHandle.informer.get('after-release', namespace)).toBeUndefined();
    expect(late).not.toContain('after-release');
    expect(factory.hasSynced()).toBe(true);

    controller.abort();
    await expect(done).resolves.toBeUndefined();
  });

  it('serves the client Reader interface from the cache, with no request per read', async () => {
    const namespace = await newNamespace('store-reader');
    const client = adminClient();
    await client.create({
      ...configMap(namespace, 'a'),
      metadata: { name: 'a', namespace, labels: { tier: 'front' } },
    });
    await client.create(configMap(namespace, 'b'));
    const factory = createStoreFactory(client, { informerOptions: { onError: () => {} } });
    factory.informer(configMapType, { namespace });
    run(factory, cleanup);
    const reader = createCacheReader(factory);
    await factory.waitForSync();
    const requests = client.stats().requests;

    const a = await reader.get({ ...configMapType, namespace, name: 'a' });
    expect(a.metadata.resourceVersion).toMatch(/^\d+$/);
    const fronts = await reader.list(configMapType, { namespace, labelSelector: 'tier=front' });
    expect(fronts.items.map((obj) => obj.metadata.name)).toEqual(['a']);
    const missing = await reader.get({ ...configMapType, namespace, name: 'zzz' }).catch((error: unknown) => error);
    expect(isNotFound(missing)).toBe(true);
    expect(client.stats().requests).toBe(requests);

    // A change made through the client shows up in the reader once the watch delivers it.
    await client.patch({ ...configMapType, namespace, name: 'b' }, { type: 'merge', body: { data: { v: '2' } } });
    await eventually(async () => {
      const b = (await reader.get({ ...configMapType, namespace, name: 'b' })) as { data?: Record<string, string> };
      return b.data?.v === '2';
    });
  });
});
