import { type Client, createClient } from '@dsoi/client';
import { createTestNamespace, installCrds, markWorkloadReady, testKubeConfig } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChildrenReport, done, reconcileChildren } from '../src/index.js';
import { startOperator, type TestOperator } from './fixtures/operator.js';
import { configMapType, desiredChildren, statefulSetType, widget, widgetCrd, widgetType } from './fixtures/widget.js';

const kubeConfig = testKubeConfig();
let admin: Client;
let operator: TestOperator | undefined;
const reports = new Map<string, ChildrenReport>();

beforeAll(async () => {
  await installCrds(kubeConfig, [widgetCrd]);
  admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
});
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
  reports.clear();
});

async function startWidgetOperator(): Promise<TestOperator> {
  operator = await startOperator(async ({ object, cache, signal }) => {
    if (!object) return done();
    const report = await reconcileChildren({
      owner: object,
      desired: desiredChildren(object),
      client: operator!.manager.client,
      cache,
      signal,
    });
    reports.set(object.metadata.name, report);
    return done();
  });
  return operator;
}

async function children(namespace: string, type: typeof configMapType | typeof statefulSetType) {
  return (await admin.list<KubeObject & { data?: Record<string, string>; spec?: any }>(type, { namespace })).items;
}

describe('reconcileChildren against a real API server', () => {
  it('converges a parent with 10 children, then makes zero requests on a no-op reconcile', async () => {
    const ns = await createTestNamespace(kubeConfig, 'children');
    const op = await startWidgetOperator();
    const parent = await admin.create(widget(ns, 'w', { configMaps: 10 }));
    await expect
      .poll(
        async () => (await children(ns, configMapType)).filter((c) => c.metadata?.name?.startsWith('w-cm-')).length,
        { timeout: 20_000 },
      )
      .toBe(10);
    const [first] = await children(ns, configMapType);
    expect((first!.metadata as any).ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Widget',
        name: 'w',
        uid: parent.metadata?.uid,
        controller: true,
        blockOwnerDeletion: true,
      }),
    ]);
    expect((first!.metadata as any).annotations['dsoi.io/desired-hash']).toMatch(/^[0-9a-f]{32}$/);

    // Let the cache catch up with our own writes, then a reconcile with nothing changed must send no request.
    await expect.poll(() => reports.get('w')?.converged, { timeout: 20_000 }).toBe(true);
    const before = op.manager.client.stats().requests;
    reports.delete('w');
    await enqueueAndWait(op, ns, 'w');
    expect(reports.get('w')?.unchanged).toHaveLength(10);
    expect(op.manager.client.stats().requests).toBe(before);
  });

  it('repairs a hand-edited child and prunes a child that is no longer desired', async () => {
    const ns = await createTestNamespace(kubeConfig, 'drift');
    await startWidgetOperator();
    await admin.create(widget(ns, 'd', { configMaps: 3, value: 'desired' }));
    await expect
      .poll(
        async () => (await children(ns, configMapType)).filter((c) => c.metadata?.name?.startsWith('d-cm-')).length,
        { timeout: 20_000 },
      )
      .toBe(3);

    // Someone edits a child by hand (another field manager, a plain merge patch).
    await admin.patch(
      { ...configMapType, namespace: ns, name: 'd-cm-1' },
      { type: 'merge', body: { data: { value: 'hand-edited' } } },
    );
    await expect
      .poll(
        async () =>
          (
            await admin.get<KubeObject & { data: Record<string, string> }>({
              ...configMapType,
              namespace: ns,
              name: 'd-cm-1',
            })
          ).data.value,
        { timeout: 20_000 },
      )
      .toBe('desired');

    // The parent now wants one ConfigMap fewer: the extra child is pruned.
    await admin.patch(
      { ...widgetType, namespace: ns, name: 'd' },
      { type: 'merge', body: { spec: { configMaps: 2 } } },
    );
    await expect
      .poll(
        async () =>
          (await children(ns, configMapType))
            .map((c) => c.metadata?.name)
            .filter((n) => n?.startsWith('d-cm-'))
            .sort(),
        { timeout: 20_000 },
      )
      .toEqual(['d-cm-0', 'd-cm-1']);
  });

  it('rolls workloads out one at a time in order, waiting for readiness', async () => {
    const ns = await createTestNamespace(kubeConfig, 'rollout');
    await startWidgetOperator();
    const workloads = ['a', 'b', 'c'].map((name) => ({ name, image: 'img:1' }));
    await admin.create(widget(ns, 'r', { workloads }));
    // First install: every workload is created at once, none is ready (no kubelet here).
    await expect.poll(async () => (await children(ns, statefulSetType)).length, { timeout: 20_000 }).toBe(3);

    await admin.patch(
      { ...widgetType, namespace: ns, name: 'r' },
      { type: 'merge', body: { spec: { workloads: workloads.map((w) => ({ ...w, image: 'img:2' })) } } },
    );
    const image = async (node: string) =>
      (await admin.get<any>({ ...statefulSetType, namespace: ns, name: `r-${node}` })).spec.template.spec.containers[0]
        .image;
    await expect.poll(() => image('a'), { timeout: 20_000 }).toBe('img:2');
    await expect.poll(() => reports.get('r')?.blocked.map((b) => b.name), { timeout: 20_000 }).toEqual(['r-b', 'r-c']);
    expect(await image('b')).toBe('img:1');

    await markReady(ns, 'r-a');
    await expect.poll(() => image('b'), { timeout: 20_000 }).toBe('img:2');
    expect(await image('c')).toBe('img:1');
    await markReady(ns, 'r-b');
    await expect.poll(() => image('c'), { timeout: 20_000 }).toBe('img:2');
    await markReady(ns, 'r-c');
    await expect.poll(() => reports.get('r')?.converged, { timeout: 20_000 }).toBe(true);
  });
});

/** Simulates the StatefulSet controller and kubelet: the workload has rolled out and all replicas are ready. */
async function markReady(namespace: string, name: string) {
  await markWorkloadReady(kubeConfig, { kind: 'StatefulSet', namespace, name });
}

async function enqueueAndWait(op: TestOperator, namespace: string, name: string) {
  op.manager.controllers()[0]!.enqueue({ namespace, name });
  await expect.poll(() => reports.has(name), { timeout: 10_000 }).toBe(true);
}
