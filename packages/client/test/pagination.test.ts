// Paginated lists against a real API server: 1,200 objects read in pages of 500.
import { beforeAll, describe, expect, it } from 'vitest';
import { adminClient, newNamespace } from './helpers.js';

const total = 1_200;
const type = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
let namespace: string;

beforeAll(async () => {
  namespace = await newNamespace('client-pages');
  const client = adminClient({ kinds: [{ ...type, plural: 'configmaps', namespaced: true }] });
  const names = Array.from({ length: total }, (_, i) => `item-${String(i).padStart(4, '0')}`);
  // 40 creates in flight at a time: fast, and well under the API server's max-in-flight.
  for (let at = 0; at < names.length; at += 40) {
    await Promise.all(
      names.slice(at, at + 40).map((name) =>
        client.create({
          ...type,
          metadata: { name, namespace, labels: { 'dsoi.io/page-test': 'yes' } },
          data: { name },
        }),
      ),
    );
  }
}, 120_000);

describe('pagination', () => {
  it('reads three pages with limit 500 and continue tokens', async () => {
    const client = adminClient();
    const first = await client.list(type, { namespace, limit: 500 });
    expect(first.items).toHaveLength(500);
    expect(first.metadata.continue).toBeTruthy();
    expect(first.metadata.remainingItemCount).toBe(total - 500);
    const second = await client.list(type, { namespace, limit: 500, continue: first.metadata.continue });
    expect(second.items).toHaveLength(500);
    const third = await client.list(type, { namespace, limit: 500, continue: second.metadata.continue });
    expect(third.items).toHaveLength(200);
    expect(third.metadata.continue).toBeUndefined();
    // Every page is the same snapshot.
    expect(third.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const names = [...first.items, ...second.items, ...third.items].map((item) => item.metadata?.name);
    expect(new Set(names).size).toBe(total);
  });

  it('collects every item with listAll, in three list requests', async () => {
    const client = adminClient();
    const all = await client.listAll(type, { namespace, labelSelector: 'dsoi.io/page-test=yes' });
    expect(all.items).toHaveLength(total);
    expect(all.kind).toBe('ConfigMapList');
    expect(all.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(all.items.every((item) => item.kind === 'ConfigMap' && item.apiVersion === 'v1')).toBe(true);
    expect(client.stats().byVerb.list).toBe(3);
  });

  it('yields every item with iterate, fetching a page only when needed', async () => {
    const client = adminClient();
    const names: string[] = [];
    for await (const item of client.iterate(type, { namespace, limit: 500 })) {
      names.push(item.metadata?.name ?? '');
      if (names.length === 10) expect(client.stats().byVerb.list).toBe(1);
    }
    expect(names).toHaveLength(total);
    expect(names[0]).toBe('item-0000');
    expect(names.at(-1)).toBe('item-1199');
    expect(client.stats().byVerb.list).toBe(3);
  });
});
