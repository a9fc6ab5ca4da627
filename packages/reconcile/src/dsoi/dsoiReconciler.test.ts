import { stampHash } from '@dsoi/hash';
import type { KubeObject } from '@dsoi/object';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDesiredStateMemo } from '../children/desiredStateMemo.js';
import { createFakeClient } from '../testing/fakeClient.js';
import { createFrozenCache } from '../testing/frozenCache.js';
import { createMemoryLogger } from '../testing/memoryLogger.js';
import { createDsoiReconciler, type DsoiObject } from './dsoiReconciler.js';

const configMapType = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const specSchema = z.object({ data: z.string() });

/** A frozen cache over `objects`, one instance per object, as informers hold them. */
const cacheOf = (objects: readonly KubeObject[]) => createFrozenCache(objects, [configMapType]);

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
