import { describe, expect, it } from 'vitest';
import type { Call, CallSpec } from './caller.js';
import { createReadOperations } from './readOperations.js';

const configMaps = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

/** A `Call` that records each spec and answers list pages in turn (or `answer` for anything else). */
function recording(...pages: Array<{ items?: unknown[]; metadata?: Record<string, string> }>) {
  const specs: CallSpec[] = [];
  const call: Call = async (spec) => {
    specs.push(spec);
    return spec.verb === 'list' ? { apiVersion: 'v1', kind: 'ConfigMapList', ...pages.shift() } : { got: spec.name };
  };
  return { reads: createReadOperations(call), specs };
}

describe('createReadOperations', () => {
  it('gets an object or its status subresource, idempotent, with the resourceVersion as the only query', async () => {
    const { reads, specs } = recording();
    await reads.get({ ...configMaps, namespace: 'a', name: 'b' }, { resourceVersion: '7' });
    await reads.getStatus({ ...configMaps, namespace: 'a', name: 'b' });
    expect(specs.map((s) => [s.operation, s.subresource, s.query, s.idempotent])).toEqual([
      ['get', undefined, { resourceVersion: '7' }, true],
      ['getStatus', 'status', { resourceVersion: undefined }, true],
    ]);
  });

  it('lists the collection and makes each item self-describing', async () => {
    const { reads, specs } = recording({ items: [{ metadata: { name: 'x' } }], metadata: { resourceVersion: '9' } });
    const list = await reads.list(configMaps, { namespace: 'a', labelSelector: 'app=x' });
    expect(list.items).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }]);
    expect(specs[0]).toMatchObject({
      verb: 'list',
      collection: true,
      namespace: 'a',
      query: { labelSelector: 'app=x' },
    });
  });

  it('reads every page of listAll by its continue token, 500 items a page unless told, keeping the last resourceVersion', async () => {
    const { reads, specs } = recording(
      { items: [{ metadata: { name: 'x' } }], metadata: { continue: 'next', resourceVersion: '1' } },
      { items: [{ metadata: { name: 'y' } }], metadata: { resourceVersion: '2' } },
    );
    const all = await reads.listAll(configMaps);
    expect(all.items.map((item) => item.metadata.name)).toEqual(['x', 'y']);
    expect(all.metadata).toEqual({ resourceVersion: '2' });
    expect(specs.map((s) => [s.query?.limit, s.query?.continue])).toEqual([
      [500, undefined],
      [500, 'next'],
    ]);
  });

  it('iterate reads the next page only when the previous one is consumed', async () => {
    const { reads, specs } = recording(
      { items: [{ metadata: { name: 'x' } }], metadata: { continue: 'next' } },
      { items: [{ metadata: { name: 'y' } }], metadata: {} },
    );
    const iterator = reads.iterate(configMaps, { limit: 1 })[Symbol.asyncIterator]();
    expect((await iterator.next()).value.metadata.name).toBe('x');
    expect(specs).toHaveLength(1);
    expect((await iterator.next()).value.metadata.name).toBe('y');
    expect(specs).toHaveLength(2);
    expect((await iterator.next()).done).toBe(true);
  });
});
