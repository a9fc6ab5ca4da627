// The informer against the run's real kube-apiserver: sync, ordering, 410 relists, bookmarks, watchdog, RBAC.

import { createClient } from '@dsoi/client';
import { ForbiddenError } from '@dsoi/client/errors';
import { serviceAccountKubeConfig, testKubeConfig } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import { afterEach, describe, expect, it } from 'vitest';
import { createInformer } from '../src/index.js';
import {
  adminClient,
  configMap,
  configMapType,
  eventually,
  forEachBounded,
  newNamespace,
  recordEvents,
  run,
} from './helpers.js';

const cleanup: AbortController[] = [];
afterEach(() => {
  for (const controller of cleanup.splice(0)) controller.abort();
});
const quiet = { onError: () => {} };

describe('informer on a real API server', () => {
  it('syncs 2,000 ConfigMaps through a paginated list, frozen and without managedFields', async () => {
    const namespace = await newNamespace('store-sync');
    const client = adminClient();
    await forEachBounded(2_000, 20, (i) => client.create(configMap(namespace, `cm-${i}`, { i: String(i) })));

    const informer = createInformer(client, configMapType, { namespace, ...quiet });
    const events = recordEvents(informer);
    run(informer, cleanup);
    await informer.waitForSync();

    expect(informer.list()).toHaveLength(2_000);
    expect(events).toHaveLength(2_000);
    expect(new Set(events.map(([, name]) => name)).size).toBe(2_000);
    expect(informer.stats()).toMatchObject({ lists: 4, relists: 0, objects: 2_000 });
    expect(informer.byIndex('namespace', namespace)).toHaveLength(2_000);
    const one = informer.get('cm-1234', namespace) as KubeObject & { data: Record<string, string> };
    expect(one.data).toEqual({ i: '1234' });
    expect(one.metadata).not.toHaveProperty('managedFields');
    expect(Object.isFrozen(one.data)).toBe(true);
  });

  it('delivers add, update and delete in the order the server made them', async () => {
    const namespace = await newNamespace('store-order');
    const client = adminClient();
    const informer = createInformer(client, configMapType, { namespace, ...quiet });
    const events = recordEvents(informer);
    run(informer, cleanup);
    await informer.waitForSync();

    const patch = (name: string, data: Record<string, string>) =>
      client.patch({ ...configMapType, namespace, name }, { type: 'merge', body: { data } });
    const a1 = await client.create(configMap(namespace, 'a', { v: '1' }));
    const a2 = await patch('a', { v: '2' });
    const b1 = await client.create(configMap(namespace, 'b'));
    // A patch that changes nothing leaves the resourceVersion alone: the server sends nothing, nothing is emitted.
    await patch('a', { v: '2' });
    const a3 = await patch('a', { v: '3' });
    await client.delete({ ...configMapType, namespace, name: 'a' });
    await eventually(() => events.length === 5);
    await eventually(() => informer.get('a', namespace) === undefined);

    const rv = (obj: KubeObject) => obj.metadata?.resourceVersion ?? '';
    expect(events.slice(0, 4)).toEqual([
      ['add', 'a', rv(a1)],
      ['update', 'a', `${rv(a1)}->${rv(a2)}`],
      ['add', 'b', rv(b1)],
      ['update', 'a', `${rv(a2)}->${rv(a3)}`],
    ]);
    expect(events[4]?.slice(0, 2)).toEqual(['delete', 'a']);
    expect(informer.list().map((obj) => obj.metadata?.name)).toEqual(['b']);
  });

  it('receives bookmarks and re-watches from the last resourceVersion, without a relist, when the server ends a watch', async () => {
    const namespace = await newNamespace('store-bookmark');
    const elsewhere = await newNamespace('store-bookmark-writes');
    const client = adminClient();
    // kube-apiserver sends a bookmark 2 s before a watch's deadline (and otherwise once a minute), but only once
    // the kind's resourceVersion has moved on: ConfigMap writes in another namespace make it move.
    let writes = 0;
    const writer = setInterval(() => void client.create(configMap(elsewhere, `w-${writes++}`)).catch(() => {}), 300);
    try {
      const informer = createInformer(client, configMapType, { namespace, watchTimeoutSeconds: 3, ...quiet });
      const events = recordEvents(informer);
      run(informer, cleanup);
      await informer.waitForSync();
      const listedVersion = informer.stats().lastResourceVersion;

      await eventually(() => informer.stats().bookmarks >= 1 && informer.stats().watches >= 2, 20_000);
      expect(informer.stats()).toMatchObject({ lists: 1, relists: 0, failures: 0 });
      expect(informer.stats().reconnects).toBe(informer.stats().watches - 1);
      expect(informer.stats().lastResourceVersion).not.toBe(listedVersion);
      expect(events).toEqual([]);

      await client.create(configMap(namespace, 'after-rewatch'));
      await eventually(() => informer.get('after-rewatch', namespace) !== undefined);
    } finally {
      clearInterval(writer);
    }
  });

  it('reconnects a silent watch through the inactivity watchdog and still sees later changes', async () => {
    const namespace = await newNamespace('store-quiet');
    const client = adminClient();
    const informer = createInformer(client, configMapType, {
      namespace,
      inactivityTimeoutMs: 1_000,
      initialBackoffMs: 200,
      ...quiet,
    });
    run(informer, cleanup);
    await informer.waitForSync();

    await eventually(() => informer.stats().inactivityTimeouts >= 2 && informer.stats().reconnects >= 2, 15_000);
    expect(informer.lastEventAgeMs()).toBeGreaterThan(1_000);
    expect(informer.stats().relists).toBe(0);
    await client.create(configMap(namespace, 'after-silence'));
    await eventually(() => informer.get('after-silence', namespace) !== undefined);
  });

  it('rejects waitForSync at once with a ForbiddenError naming the missing list permission', async () => {
    const namespace = await newNamespace('store-rbac');
    const kubeConfig = await serviceAccountKubeConfig(testKubeConfig(), { namespace, name: 'no-rbac' });
    const client = createClient({ kubeConfig, fieldManager: 'no-rbac' });
    const informer = createInformer(client, configMapType, { namespace, ...quiet });
    run(informer, cleanup);

    const started = performance.now();
    const error = await informer.waitForSync().catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ verb: 'list', resource: 'configmaps', namespace });
    expect((error as Error).message).toContain(
      `cannot list resource "configmaps" in API group "" in the namespace "${namespace}"`,
    );
    expect(informer.hasSynced()).toBe(false);
  });

  it('rejects waitForSync with the watch ForbiddenError when the Role grants list but not watch', async () => {
    const namespace = await newNamespace('store-rbac-watch');
    const kubeConfig = await serviceAccountKubeConfig(testKubeConfig(), {
      namespace,
      name: 'lister',
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }],
    });
    const informer = createInformer(createClient({ kubeConfig, fieldManager: 'lister' }), configMapType, {
      namespace,
      ...quiet,
    });
    run(informer, cleanup);

    await expect(informer.waitForSync()).rejects.toMatchObject({
      name: 'ForbiddenError',
      verb: 'watch',
      resource: 'configmaps',
    });
  });
});
