import { stampHash } from '@dsoi/hash';
import type { KubeObject } from '@dsoi/object';
import { describe, expect, it } from 'vitest';
import { createFakeClient } from '../testing/fakeClient.js';
import { createFrozenCache } from '../testing/frozenCache.js';
import { createDesiredStateMemo } from './desiredStateMemo.js';
import { reconcileChildren } from './reconcileChildren.js';

const owner = {
  apiVersion: 'example.dsoi.io/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'ns', uid: 'uid-w' },
};
const configMapType = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const serviceType = { apiVersion: 'v1', kind: 'Service' } as const;

/** The cache a controller would hold after its informers saw `objects`: frozen, one instance per object. */
const cacheOf = (objects: readonly KubeObject[]) => createFrozenCache(objects, [configMapType, serviceType]);

/** A memo whose hashing is counted through its `stamp` seam. */
function countingMemo() {
  const counter = { stamps: 0 };
  const memo = createDesiredStateMemo({
    stamp: (object, options) => {
      counter.stamps += 1;
      return stampHash(object, options);
    },
  });
  return { memo, counter };
}

const desired = (data: string): KubeObject[] => {
  const configMap = { ...configMapType, metadata: { name: 'w-config', namespace: 'ns' }, data: { 'app.conf': data } };
  const service = { ...serviceType, metadata: { name: 'w-svc', namespace: 'ns' }, spec: { ports: [{ port: 80 }] } };
  return [configMap, service];
};

describe('createDesiredStateMemo', () => {
  it('a re-check with the same desired children and unchanged live children hashes nothing and writes nothing', async () => {
    const client = createFakeClient();
    const { memo, counter } = countingMemo();
    const children = desired('a=1');
    const first = await reconcileChildren({ owner, desired: children, client, cache: cacheOf([]), memo });
    // The seam counts: the first pass stamped each child once and created both.
    expect(first.created).toHaveLength(2);
    expect(counter.stamps).toBe(2);

    const cache = cacheOf(client.objects());
    const writes = client.writes.length;
    for (let pass = 0; pass < 3; pass++) {
      const again = await reconcileChildren({ owner, desired: children, client, cache, memo });
      expect(again.unchanged).toHaveLength(2);
      expect(again.converged).toBe(true);
    }
    expect(counter.stamps).toBe(2);
    expect(client.writes).toHaveLength(writes);
  });

  it('a live child that changed is compared again (and its drift repaired) without rehashing the desired one', async () => {
    const client = createFakeClient();
    const { memo, counter } = countingMemo();
    const children = desired('a=1');
    await reconcileChildren({ owner, desired: children, client, cache: cacheOf([]), memo });
    const edited = client.objects().map((o) => (o.kind === 'ConfigMap' ? { ...o, data: { 'app.conf': 'a=2' } } : o));
    const cache = cacheOf(edited);
    // The live ConfigMap drifted while keeping its desired-state hash.
    expect(await cache.get({ ...configMapType, name: 'w-config', namespace: 'ns' })).toMatchObject({
      data: { 'app.conf': 'a=2' },
    });

    const report = await reconcileChildren({ owner, desired: children, client, cache, memo });
    expect(report.updated).toEqual([expect.objectContaining({ name: 'w-config', because: 'drifted' })]);
    expect(counter.stamps).toBe(2);
  });

  it('a new desired child instance (a changed spec) is stamped again and applied', async () => {
    const client = createFakeClient();
    const { memo, counter } = countingMemo();
    await reconcileChildren({ owner, desired: desired('a=1'), client, cache: cacheOf([]), memo });
    const cache = cacheOf(client.objects());

    const report = await reconcileChildren({ owner, desired: desired('a=3'), client, cache, memo });
    expect(counter.stamps).toBe(4);
    expect(report.updated).toEqual([expect.objectContaining({ name: 'w-config', because: 'changed' })]);
    expect(report.unchanged).toEqual([expect.objectContaining({ name: 'w-svc' })]);
  });
});
