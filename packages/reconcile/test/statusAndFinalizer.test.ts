import { type Client, createClient } from '@dsoi/client';
import { createTestNamespace, installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { finalize, setCondition, updateStatus } from '../src/index.js';
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
