// The raw watch against a real API server: events in order, bookmarks, abort, 410 Gone, one connection per watch.
import { installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GoneError, isGone } from '../src/errors.js';
import type { WatchEvent } from '../src/index.js';
import { adminClient, apiServerMetric, crd, newNamespace } from './helpers.js';

const type = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
let namespace: string;

beforeAll(async () => {
  namespace = await newNamespace('client-watch');
  // Kinds of their own, so the API server's gauges of open watches count this file's watches only.
  await installCrds(testKubeConfig(), [
    crd('gone.dsoi.io', 'Gadget', 'gadgets'),
    crd('open.dsoi.io', 'Probe', 'probes'),
  ]);
});

function configMap(name: string, data: Record<string, string>, labels: Record<string, string> = {}) {
  return { ...type, metadata: { name, namespace, labels }, data };
}

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED after a list, in order, on one connection', async () => {
    const client = adminClient();
    await client.apply(configMap('before', { a: '0' }));
    const list = await client.list(type, { namespace });
    const controller = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const event of client.watch<V1ConfigMap>(type, {
        namespace,
        resourceVersion: list.metadata.resourceVersion,
        signal: controller.signal,
      })) {
        if (event.type === 'BOOKMARK') continue;
        seen.push(`${event.type} ${event.object.metadata?.name} ${JSON.stringify(event.object.data ?? {})}`);
        if (event.type === 'DELETED') controller.abort();
      }
    })();
    const created = await client.apply(configMap('w', { a: '1' }));
    await client.apply(configMap('w', { a: '2' }));
    await client.delete(created);
    await watching;
    expect(seen).toEqual(['ADDED w {"a":"1"}', 'MODIFIED w {"a":"2"}', 'DELETED w {"a":"2"}']);
    expect(client.stats().byVerb.watch).toBe(1);
  });

  it('sends the existing objects first without a resourceVersion, and filters by label', async () => {
    const client = adminClient();
    await client.apply(configMap('blue-1', {}, { color: 'blue' }));
    await client.apply(configMap('red-1', {}, { color: 'red' }));
    const controller = new AbortController();
    const names: string[] = [];
    for await (const event of client.watch(type, {
      namespace,
      labelSelector: 'color=blue',
      signal: controller.signal,
    })) {
      names.push(event.type === 'BOOKMARK' ? 'BOOKMARK' : `${event.type} ${event.object.metadata.name}`);
      controller.abort();
    }
    expect(names).toEqual(['ADDED blue-1']);
  });

  it('delivers a BOOKMARK before a server-side timeout, then ends normally', async () => {
    const client = adminClient();
    const list = await client.list(type, { namespace });
    const events: WatchEvent[] = [];
    const startedMs = performance.now();
    // The watch cache sends a bookmark shortly before the watch's deadline (cacheWatcher.nextBookmarkTime), so a
    // 4-second watch proves bookmark handling without waiting the minute a periodic bookmark takes. A bookmark
    // only goes out once the cache has seen a newer resourceVersion than the watch started from: write one.
    const writes = setInterval(() => {
      void client.apply({
        ...type,
        metadata: { name: 'bookmark-bump', namespace: 'default' },
        data: { at: `${Date.now()}` },
      });
    }, 500);
    try {
      for await (const event of client.watch(type, {
        namespace,
        resourceVersion: list.metadata.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: 4,
      })) {
        events.push(event);
      }
    } finally {
      clearInterval(writes);
    }
    const bookmark = events.find((event) => event.type === 'BOOKMARK');
    expect(bookmark?.object.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(bookmark?.object.kind).toBe('ConfigMap');
    expect(performance.now() - startedMs).toBeLessThan(8_000);
  });

  it('ends the initial events of a sendInitialEvents watch with an annotated BOOKMARK', async () => {
    const client = adminClient();
    await client.apply(configMap('initial', {}, { set: 'initial' }));
    const controller = new AbortController();
    const events: WatchEvent[] = [];
    for await (const event of client.watch(type, {
      namespace,
      labelSelector: 'set=initial',
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
      signal: controller.signal,
    })) {
      events.push(event);
      if (event.type === 'BOOKMARK') controller.abort();
    }
    expect(events.map((event) => event.type)).toEqual(['ADDED', 'BOOKMARK']);
    const end = events[1];
    expect(end?.type === 'BOOKMARK' && end.object.metadata.annotations?.['k8s.io/initial-events-end']).toBe('true');
  });

  it('ends cleanly, without an error, when the signal aborts while waiting', async () => {
    const client = adminClient();
    const list = await client.list(type, { namespace });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const events: WatchEvent[] = [];
    for await (const event of client.watch(type, {
      namespace,
      resourceVersion: list.metadata.resourceVersion,
      allowWatchBookmarks: false,
      signal: controller.signal,
    })) {
      events.push(event);
    }
    expect(events).toEqual([]);
  });

  it('throws GoneError from the iterator for a resourceVersion the server no longer has', async () => {
    // The watch cache of a kind starts at the etcd revision of the moment it is created. For built-in kinds that is
    // the API server's start (revision ~1 on a fresh envtest, so nothing is "too old" there); for a CRD installed
    // now it is far above 1, so resourceVersion "1" is reliably too old.
    const client = adminClient();
    const gadgets = { apiVersion: 'gone.dsoi.io/v1', kind: 'Gadget' };
    const run = async () => {
      for await (const _event of client.watch(gadgets, { namespace, resourceVersion: '1' })) {
        // no event comes before the error
      }
    };
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoneError);
    expect(isGone(err)).toBe(true);
    expect((err as GoneError).code).toBe(410);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^watch gone.dsoi.io/v1 Gadget in namespace ${namespace}: Expired: too old resource version: 1 \\(\\d+\\)`,
      ),
    );
  });

  it('holds one connection per watch on the server, and closes it on abort and on break', async () => {
    const client = adminClient();
    const probes = { apiVersion: 'open.dsoi.io/v1', kind: 'Probe' };
    const openWatches = () =>
      apiServerMetric('apiserver_longrunning_requests', { resource: 'probes', verb: 'WATCH', group: 'open.dsoi.io' });
    await client.apply({ ...probes, metadata: { name: 'p1', namespace } });
    expect(await openWatches()).toBe(0);

    const controller = new AbortController();
    const first = (async () => {
      for await (const _event of client.watch(probes, { namespace, signal: controller.signal })) {
        // wait for the abort
      }
    })();
    const second = client.watch(probes, { namespace })[Symbol.asyncIterator]();
    expect((await second.next()).value?.type).toBe('ADDED');
    await vi.waitFor(async () => expect(await openWatches()).toBe(2), { timeout: 10_000, interval: 100 });
    expect(client.stats().byVerb.watch).toBe(2);

    controller.abort();
    await first;
    await vi.waitFor(async () => expect(await openWatches()).toBe(1), { timeout: 10_000, interval: 100 });
    await second.return?.();
    await vi.waitFor(async () => expect(await openWatches()).toBe(0), { timeout: 10_000, interval: 100 });
  });
});
