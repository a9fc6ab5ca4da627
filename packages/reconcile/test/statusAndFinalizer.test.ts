import { type Client, createClient } from '@dsoi/client';
import { isConflict } from '@dsoi/client/errors';
import { createTestNamespace, installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Condition, finalize, setCondition, updateStatus } from '../src/index.js';
import { type Widget, widget, widgetCrd, widgetType } from './fixtures/widget.js';

const kubeConfig = testKubeConfig();
let admin: Client;
beforeAll(async () => {
  await installCrds(kubeConfig, [widgetCrd]);
  admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
});

const read = (namespace: string, name: string) =>
  admin.get<Widget & { metadata: { finalizers?: string[]; deletionTimestamp?: string } }>({
    ...widgetType,
    namespace,
    name,
  });

describe('updateStatus', () => {
  it('writes a changed status once and skips an equal one', async () => {
    const ns = await createTestNamespace(kubeConfig, 'status');
    await admin.create(widget(ns, 's', {}));
    const conditions = setCondition([], {
      type: 'Ready',
      status: 'True',
      reason: 'Converged',
      message: 'all good',
      observedGeneration: 1,
    });
    expect(await updateStatus(admin, await read(ns, 's'), { conditions, observedGeneration: 1 })).toBe(true);
    const after = await read(ns, 's');
    expect(after.status).toEqual({ conditions, observedGeneration: 1 });
    const requests = admin.stats().requests;
    expect(await updateStatus(admin, after, { observedGeneration: 1, conditions })).toBe(false);
    expect(admin.stats().requests).toBe(requests);
  });
});

describe('updateStatus guards', () => {
  it('never moves a status backwards: a write from a stale read is refused (Conflict) and the newer status stays', async () => {
    const ns = await createTestNamespace(kubeConfig, 'status-stale');
    await admin.create(widget(ns, 'w', {}));
    const stale = await read(ns, 'w');
    // Another pass (or the previous leader) wrote a newer status after `stale` was read.
    await updateStatus(admin, stale, { currentTable: 'v2', observedGeneration: 1 });
    await expect(updateStatus(admin, stale, { currentTable: 'v1', observedGeneration: 1 })).rejects.toSatisfy(
      isConflict,
    );
    expect((await read(ns, 'w')).status).toEqual({ currentTable: 'v2', observedGeneration: 1 });
    // From a fresh read it writes.
    expect(await updateStatus(admin, await read(ns, 'w'), { currentTable: 'v3' })).toBe(true);
    expect((await read(ns, 'w')).status?.currentTable).toBe('v3');
    // A finalizer added in the same pass changes the resourceVersion, not the status: the write goes through.
    const before = await read(ns, 'w');
    const finalizer = 'example.dsoi.io/cleanup';
    expect(await finalize({ client: admin, object: before, finalizer, cleanup: async () => {} })).toBe('added');
    expect(await updateStatus(admin, before, { currentTable: 'v4' })).toBe(true);
    expect((await read(ns, 'w')).status?.currentTable).toBe('v4');
    // Without a `get`, the same conflict is thrown for the work queue to retry.
    const after = await read(ns, 'w');
    await admin.patch(after, { type: 'merge', body: { metadata: { labels: { touched: 'yes' } } } });
    const writeOnly = { patchStatus: admin.patchStatus.bind(admin) };
    await expect(updateStatus(writeOnly, after, { currentTable: 'v5' })).rejects.toSatisfy(isConflict);
  });

  it('reports a status too large for etcd as a Ready=False StatusTooLarge condition naming the field, never Ready', async () => {
    const ns = await createTestNamespace(kubeConfig, 'status-large');
    // 900 KB of spec already: with 800 KB more of status the object is over etcd's 1.5 MiB request limit.
    await admin.create(widget(ns, 'big', { value: 'x'.repeat(900_000) }));
    const ready = setCondition([], { type: 'Ready', status: 'True', reason: 'Converged', message: 'ok' });
    const status = { currentTable: { json: 'y'.repeat(800_000) }, conditions: ready, observedGeneration: 1 };
    expect(await updateStatus(admin, await read(ns, 'big'), status)).toBe(true);
    const written = (await read(ns, 'big')).status as { currentTable?: unknown; conditions: Condition[] };
    expect(written.currentTable).toBeUndefined();
    const condition = written.conditions.find((c) => c.type === 'Ready');
    expect(condition).toMatchObject({ status: 'False', reason: 'StatusTooLarge' });
    expect(condition?.message).toContain('status.currentTable');
  }, 60_000);
});

describe('finalize', () => {
  it('adds the finalizer first, and removes it only after the cleanup succeeded', async () => {
    const ns = await createTestNamespace(kubeConfig, 'finalizer');
    await admin.create(widget(ns, 'f', {}));
    const finalizer = 'example.dsoi.io/cleanup';
    let cleanups = 0;
    let failCleanup = true;
    const cleanup = async () => {
      cleanups++;
      if (failCleanup) throw new Error('external system said no');
    };
    expect(await finalize({ client: admin, object: await read(ns, 'f'), finalizer, cleanup })).toBe('added');
    expect((await read(ns, 'f')).metadata.finalizers).toEqual([finalizer]);
    expect(await finalize({ client: admin, object: await read(ns, 'f'), finalizer, cleanup })).toBe('present');

    await admin.delete({ ...widgetType, namespace: ns, name: 'f' });
    await expect(finalize({ client: admin, object: await read(ns, 'f'), finalizer, cleanup })).rejects.toThrow(
      'external system said no',
    );
    expect((await read(ns, 'f')).metadata.finalizers).toEqual([finalizer]); // still protected

    failCleanup = false;
    expect(await finalize({ client: admin, object: await read(ns, 'f'), finalizer, cleanup })).toBe('finalized');
    expect(cleanups).toBe(2);
    await expect(read(ns, 'f')).rejects.toMatchObject({ reason: 'NotFound' });
  });

  it("keeps another actor's finalizer and refuses to act on a stale object", async () => {
    const ns = await createTestNamespace(kubeConfig, 'finalizer2');
    await admin.create({
      ...widget(ns, 'g', {}),
      metadata: { name: 'g', namespace: ns, finalizers: ['other.io/keep'] },
    });
    const stale = await read(ns, 'g');
    expect(
      await finalize({ client: admin, object: stale, finalizer: 'example.dsoi.io/cleanup', cleanup: async () => {} }),
    ).toBe('added');
    // The same (now stale) copy must not be used to write again: the resourceVersion test fails.
    await expect(
      finalize({
        client: admin,
        object: { ...stale, metadata: { ...stale.metadata, finalizers: [] } },
        finalizer: 'x.io/y',
        cleanup: async () => {},
      }),
    ).rejects.toThrow();
    expect((await read(ns, 'g')).metadata.finalizers).toEqual(['other.io/keep', 'example.dsoi.io/cleanup']);
    await admin.delete({ ...widgetType, namespace: ns, name: 'g' });
    expect(
      await finalize({
        client: admin,
        object: await read(ns, 'g'),
        finalizer: 'example.dsoi.io/cleanup',
        cleanup: async () => {},
      }),
    ).toBe('finalized');
    expect((await read(ns, 'g')).metadata.finalizers).toEqual(['other.io/keep']);
  });

  it('lets a stuck deletion through with the skip annotation', async () => {
    const ns = await createTestNamespace(kubeConfig, 'finalizer3');
    await admin.create({
      ...widget(ns, 'h', {}),
      metadata: {
        name: 'h',
        namespace: ns,
        finalizers: ['example.dsoi.io/cleanup'],
        annotations: { 'dsoi.io/skip-finalizer-cleanup': 'true' },
      },
    });
    await admin.delete({ ...widgetType, namespace: ns, name: 'h' });
    const never = async () => {
      throw new Error('the external system is gone for good');
    };
    expect(
      await finalize({
        client: admin,
        object: await read(ns, 'h'),
        finalizer: 'example.dsoi.io/cleanup',
        cleanup: never,
      }),
    ).toBe('finalized');
  });
});
