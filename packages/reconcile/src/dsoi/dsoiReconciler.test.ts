import { stampHash } from '@dsoi/hash';
import type { KubeObject } from '@dsoi/object';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChildCache } from '../children/childCache.js';
import { createDesiredStateMemo } from '../children/desiredStateMemo.js';
import { createFakeClient } from '../testing/fakeClient.js';
import { createFrozenCache } from '../testing/frozenCache.js';
import { createMemoryLogger } from '../testing/memoryLogger.js';
import { createDsoiReconciler, type DsoiObject } from './dsoiReconciler.js';

const configMapType = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const specSchema = z.object({ data: z.string() });

/** A frozen cache over `objects`, one instance per object, as informers hold them. */
const cacheOf = (objects: readonly KubeObject[]) => createFrozenCache(objects, [configMapType]);

/**
 * The frozen cache with the controller cache's synchronous reads (`peek`, `controlledBy`), counting every read
 * through its `get` and `list`.
 */
function peekingCacheOf(objects: readonly KubeObject[]) {
  const reads = { get: 0, list: 0 };
  const cache = cacheOf(objects);
  const all: KubeObject[] = [];
  for (const o of objects) all.push(o);
  const frozen = new Map<string, KubeObject>();
  const keyOf = (ref: { apiVersion: string; kind: string; name?: string; namespace?: string }) =>
    `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
  return {
    reads,
    async prepare() {
      for (const o of all) {
        const ref = {
          apiVersion: o.apiVersion!,
          kind: o.kind!,
          name: o.metadata!.name!,
          namespace: o.metadata?.namespace,
        };
        frozen.set(keyOf(ref), await cache.get(ref));
      }
      return this;
    },
    cache: {
      ...cache,
      get: ((...args: Parameters<ChildCache['get']>) => {
        reads.get += 1;
        return cache.get(...args);
      }) as ChildCache['get'],
      list: ((...args: Parameters<ChildCache['list']>) => {
        reads.list += 1;
        return cache.list(...args);
      }) as ChildCache['list'],
      peek: (ref) => frozen.get(keyOf(ref)),
      controlledBy: (kind, uid) =>
        [...frozen.values()].filter(
          (o) =>
            o.apiVersion === kind.apiVersion &&
            o.kind === kind.kind &&
            o.metadata?.ownerReferences?.some((r) => r.controller === true && r.uid === uid),
        ),
    } satisfies ChildCache,
  };
}

describe('createDsoiReconciler', () => {
  it('a periodic re-check of an unchanged object, status written meanwhile, neither maps its spec again nor hashes', async () => {
    const widget: DsoiObject = {
      apiVersion: 'example.dsoi.io/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'ns', uid: 'uid-w', generation: 1 },
      spec: { data: 'a=1' },
    };
    const client = createFakeClient({ objects: [widget] });
    const counts = { desired: 0, stamps: 0 };
    const memo = createDesiredStateMemo({
      stamp: (object, options) => {
        counts.stamps += 1;
        return stampHash(object, options);
      },
    });
    const reconcile = createDsoiReconciler<DsoiObject, z.infer<typeof specSchema>>({
      spec: specSchema,
      desired: (object, spec) => {
        counts.desired += 1;
        const metadata = { name: `${object.metadata.name}-config`, namespace: object.metadata.namespace };
        return { children: [{ object: { ...configMapType, metadata, data: { conf: spec.data } } }] };
      },
      client,
      memo,
      requeueAfterMs: 10_000,
    });
    // What the controller passes: the object and the children as the cache holds them now.
    const context = () => {
      const objects = client.objects();
      return {
        request: { name: 'w', namespace: 'ns' },
        object: Object.freeze(objects.find((o) => o.kind === 'Widget')) as DsoiObject,
        signal: new AbortController().signal,
        retries: 0,
        log: createMemoryLogger().logger,
        cache: cacheOf(objects.filter((o) => o.kind === 'ConfigMap')),
      };
    };

    await reconcile(context());
    // The first pass mapped and hashed, created the child and wrote a status (the object changes).
    expect(counts).toEqual({ desired: 1, stamps: 1 });
    expect(client.writes.map((w) => w.verb)).toEqual(['apply', 'patchStatus']);

    await reconcile(context());
    const converged = context();
    const writes = client.writes.length;
    for (let pass = 0; pass < 3; pass++) {
      expect(await reconcile(converged)).toEqual({ action: 'requeueAfter', delayMs: 10_000 });
    }
    expect(counts).toEqual({ desired: 1, stamps: 1 });
    expect(client.writes).toHaveLength(writes);
  });

  it('a no-op re-check through the controller cache builds, hashes, reads, serialises and writes nothing', async () => {
    const widget: DsoiObject = {
      apiVersion: 'example.dsoi.io/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'ns', uid: 'uid-w', generation: 1 },
      spec: { data: 'a=1' },
    };
    const client = createFakeClient({ objects: [widget] });
    const counts = { desired: 0, stamps: 0, statuses: 0 };
    const memo = createDesiredStateMemo({
      stamp: (object, options) => {
        counts.stamps += 1;
        return stampHash(object, options);
      },
    });
    const reconcile = createDsoiReconciler<DsoiObject, z.infer<typeof specSchema>>({
      spec: specSchema,
      desired: (object, spec) => {
        counts.desired += 1;
        const metadata = { name: `${object.metadata.name}-config`, namespace: object.metadata.namespace };
        return { children: [{ object: { ...configMapType, metadata, data: { conf: spec.data } } }] };
      },
      client: {
        ...client,
        patchStatus: (...args: Parameters<typeof client.patchStatus>) => {
          counts.statuses += 1;
          return client.patchStatus(...args);
        },
      },
      memo,
      requeueAfterMs: 10_000,
    });
    const context = async () => {
      const objects = client.objects();
      const { cache, reads } = await peekingCacheOf(objects.filter((o) => o.kind === 'ConfigMap')).prepare();
      const object = Object.freeze(objects.find((o) => o.kind === 'Widget')) as DsoiObject;
      const log = createMemoryLogger().logger;
      return {
        reads,
        request: { name: 'w', namespace: 'ns' },
        object,
        signal: new AbortController().signal,
        retries: 0,
        log,
        cache,
      };
    };
    // Create the child and write the statuses, then one pass over the written status that writes none.
    await reconcile(await context());
    await reconcile(await context());
    const settled = await context();
    await reconcile(settled);
    expect(counts).toMatchObject({ desired: 1, stamps: 1 });
    const before = { ...counts };
    const writes = client.writes.length;
    const readsBefore = { ...settled.reads };

    for (let pass = 0; pass < 3; pass++) {
      expect(await reconcile(settled)).toEqual({ action: 'requeueAfter', delayMs: 10_000 });
    }
    // No mapping, no hashing, no read through get or list, no status computed (`updateStatus` compares canonical
    // JSON: it is not reached), nothing written.
    expect(counts).toEqual(before);
    expect(settled.reads).toEqual(readsBefore);
    expect(client.writes).toHaveLength(writes);

    // A live child that changed (a new instance in the cache) is read and compared again, and its drift repaired.
    const edited = client.objects().map((o) => (o.kind === 'ConfigMap' ? { ...o, data: { conf: 'a=2' } } : o));
    const { cache, reads } = await peekingCacheOf(edited.filter((o) => o.kind === 'ConfigMap')).prepare();
    await reconcile({ ...settled, cache });
    expect(reads.get).toBe(1);
    expect(client.writes[writes]?.verb).toBe('apply');
    expect(counts.stamps).toBe(1);
  });

  it('a changed generation maps and hashes again; a deleted object is forgotten', async () => {
    const memo = createDesiredStateMemo();
    let calls = 0;
    const compute = () => ++calls;
    expect(memo.desired('ns/w', 'uid\ngeneration 1', compute)).toBe(1);
    expect(memo.desired('ns/w', 'uid\ngeneration 1', compute)).toBe(1);
    expect(memo.desired('ns/w', 'uid\ngeneration 2', compute)).toBe(2);
    memo.forget('ns/w');
    expect(memo.desired('ns/w', 'uid\ngeneration 2', compute)).toBe(3);
  });
});
