/** defineCustomResource against a real API server: the CRD it builds is served, and its handle reads and writes. */
import { type Client, createClient } from '@dsoi/client';
import { isNotFound } from '@dsoi/client/errors';
import { createTestNamespace, installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CustomResourceOf, defineCustomResource } from '../src/resource/index.js';

const gadgets = defineCustomResource({
  group: 'resource.dsoi.io',
  version: 'v1beta1',
  kind: 'Gadget',
  shortNames: ['gd'],
  spec: z.object({
    size: z.number().int().min(1).default(3),
    color: z.enum(['red', 'blue']),
  }),
  status: z.object({
    observedGeneration: z.number().int().optional(),
    phase: z.string().optional(),
  }),
  printerColumns: [{ name: 'Phase', type: 'string', jsonPath: '.status.phase' }],
});
type Gadget = CustomResourceOf<typeof gadgets>;

const kubeConfig = testKubeConfig();
let admin: Client;
beforeAll(async () => {
  await installCrds(kubeConfig, [{ ...gadgets.crd }]);
  admin = createClient({ kubeConfig, fieldManager: 'resource-test' });
});

describe('defineCustomResource', () => {
  it('applies, gets and lists typed objects; the API server applies the schema defaults', async () => {
    const namespace = await createTestNamespace(kubeConfig, 'resource');
    const handle = gadgets.handle(admin);
    const applied = await handle.apply({ metadata: { name: 'g1', namespace }, spec: { color: 'red' } });
    expect(applied).toMatchObject({ apiVersion: 'resource.dsoi.io/v1beta1', kind: 'Gadget' });
    const read: Gadget = await handle.get({ name: 'g1', namespace });
    expect(read.spec).toEqual({ color: 'red', size: 3 });
    expect(read.metadata.namespace).toBe(namespace);
    const list = await handle.list({ namespace });
    expect(list.items.map((g) => `${g.metadata.name} ${g.spec.color}`)).toEqual(['g1 red']);
  });

  it('refuses a spec its schema refuses, naming the field', async () => {
    const namespace = await createTestNamespace(kubeConfig, 'resource-bad');
    const bad = { metadata: { name: 'g2', namespace }, spec: { color: 'green' } } as unknown as Parameters<
      ReturnType<typeof gadgets.handle>['apply']
    >[0];
    await expect(gadgets.handle(admin).apply(bad)).rejects.toThrow(/spec\.color/);
    await expect(gadgets.handle(admin).get({ name: 'g2', namespace })).rejects.toSatisfy(isNotFound);
  });

  it('patches and updates the status through the subresource, skipping an equal status', async () => {
    const namespace = await createTestNamespace(kubeConfig, 'resource-status');
    const handle = gadgets.handle(admin);
    await handle.apply({ metadata: { name: 'g3', namespace }, spec: { color: 'blue', size: 1 } });
    const patched = await handle.patchStatus({ name: 'g3', namespace }, { phase: 'Pending' });
    expect(patched.status).toEqual({ phase: 'Pending' });
    const live = await handle.get({ name: 'g3', namespace });
    expect(await handle.updateStatus(live, { phase: 'Ready', observedGeneration: 1 })).toBe(true);
    const updated = await handle.get({ name: 'g3', namespace });
    expect(updated.status).toEqual({ phase: 'Ready', observedGeneration: 1 });
    const requests = admin.stats().requests;
    expect(await handle.updateStatus(updated, { phase: 'Ready' })).toBe(false);
    expect(admin.stats().requests).toBe(requests);
  });

  it('watches the kind with typed events', async () => {
    const namespace = await createTestNamespace(kubeConfig, 'resource-watch');
    const handle = gadgets.handle(admin);
    const stop = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const event of handle.watch({ namespace, signal: stop.signal })) {
        if (event.type === 'BOOKMARK') continue;
        seen.push(`${event.type} ${event.object.metadata.name} ${event.object.spec.color}`);
        if (seen.length === 1) stop.abort();
      }
    })();
    await handle.apply({ metadata: { name: 'g4', namespace }, spec: { color: 'blue' } });
    await watching.catch((err: unknown) => {
      if (!stop.signal.aborted) throw err;
    });
    expect(seen).toEqual(['ADDED g4 blue']);
  });

  it('reads through a Reader without writes, and says which call needs a client', async () => {
    const namespace = await createTestNamespace(kubeConfig, 'resource-reader');
    await gadgets.handle(admin).apply({ metadata: { name: 'g5', namespace }, spec: { color: 'red' } });
    const reader = gadgets.reader({ get: admin.get.bind(admin), list: admin.list.bind(admin) });
    expect((await reader.get({ name: 'g5', namespace })).spec.color).toBe('red');
    const writes = gadgets.handle({ get: admin.get.bind(admin), list: admin.list.bind(admin) } as Client);
    expect(() => writes.apply({ metadata: { name: 'g6', namespace }, spec: { color: 'red' } })).toThrow(
      'Gadget handle: apply needs a client that has it',
    );
  });
});
