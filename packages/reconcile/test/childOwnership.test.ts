/**
 * Child ownership as a policy of reconcileChildren, against a real API server with its garbage collector: a retained
 * child carries no ownerReference, survives its owner's deletion, is updated through the same plan/apply path, is
 * adopted again by an owner of the same name, is never taken over by another owner, and a child that was controlled
 * is released when its policy becomes retained.
 */

import { type Client, createClient } from '@dsoi/client';
import { createTestNamespace, installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChildOwnership, type ChildrenReport, done, reconcileChildren } from '../src/index.js';
import { startOperator, type TestOperator } from './fixtures/operator.js';
import { configMapType, type Widget, widgetCrd, widgetType } from './fixtures/widget.js';

const kubeConfig = testKubeConfig();
let admin: Client;
let operator: TestOperator | undefined;
const failures = new Map<string, string>();

beforeAll(async () => {
  await installCrds(kubeConfig, [widgetCrd]);
  admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
});
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
  failures.clear();
});

/** A widget's children: `<name>-data` (retained unless `spec.value` says `controlled-data`) and `<name>-cm` (controlled). */
function desired(w: Widget) {
  const { name, namespace } = w.metadata;
  const dataOwnership: ChildOwnership = w.spec.value?.startsWith('controlled-data') ? 'controlled' : 'retained';
  const dataName = (w.metadata as { labels?: Record<string, string> }).labels?.data ?? `${name}-data`;
  return [
    {
      object: { ...configMapType, metadata: { name: dataName, namespace }, data: { value: w.spec.value ?? 'v1' } },
      ownership: dataOwnership,
    },
    { object: { ...configMapType, metadata: { name: `${name}-cm`, namespace }, data: { value: 'x' } } },
  ];
}

async function start(namespace: string) {
  operator = await startOperator(
    async ({ object, cache, signal }) => {
      if (!object) return done();
      const report: ChildrenReport | undefined = await reconcileChildren({
        owner: object,
        desired: desired(object),
        client: operator!.manager.client,
        cache,
        signal,
      }).catch((err: Error) => {
        failures.set(object.metadata.name, err.message);
        return undefined;
      });
      if (report) failures.delete(object.metadata.name);
      return done();
    },
    { namespace },
  );
}

type LiveConfigMap = KubeObject & {
  metadata: { ownerReferences?: { uid: string }[]; annotations?: Record<string, string>; uid: string };
  data: Record<string, string>;
};
const configMap = (namespace: string, name: string) =>
  admin.get<LiveConfigMap>({ ...configMapType, namespace, name }).catch(() => undefined);
const poll = <T>(fn: () => Promise<T>, timeout = 20_000) => expect.poll(fn, { timeout, interval: 200 });

describe('reconcileChildren ownership policies against a real API server', () => {
  it('keeps a retained child through its owner deletion, updates it through the same path and re-adopts it by name', async () => {
    const ns = await createTestNamespace(kubeConfig, 'retain');
    await start(ns);
    const owner = await admin.create({ ...widgetType, metadata: { name: 'w', namespace: ns }, spec: { value: 'v1' } });
    await poll(async () => (await configMap(ns, 'w-data'))?.data.value).toBe('v1');
    const data = (await configMap(ns, 'w-data'))!;
    expect(data.metadata.ownerReferences ?? []).toEqual([]);
    expect(data.metadata.annotations?.['dsoi.io/retained-for']).toBe('Widget w');
    expect((await configMap(ns, 'w-cm'))?.metadata.ownerReferences?.map((r) => r.uid)).toEqual([owner.metadata.uid]);

    // A spec change reaches the retained child through the same plan/apply path.
    await admin.patch(owner, { type: 'merge', body: { spec: { value: 'v2' } } });
    await poll(async () => (await configMap(ns, 'w-data'))?.data.value).toBe('v2');

    // Deleted: the garbage collector removes the controlled child, the retained one stays.
    await admin.delete({ ...widgetType, namespace: ns, name: 'w' });
    await poll(async () => (await configMap(ns, 'w-cm')) === undefined, 90_000).toBe(true);
    expect((await configMap(ns, 'w-data'))?.metadata.uid).toBe(data.metadata.uid);

    // A new owner of the same name takes its data back (same object) and updates it.
    await admin.create({ ...widgetType, metadata: { name: 'w', namespace: ns }, spec: { value: 'v3' } });
    await poll(async () => (await configMap(ns, 'w-data'))?.data.value).toBe('v3');
    expect((await configMap(ns, 'w-data'))?.metadata.uid).toBe(data.metadata.uid);
  });

  it('never takes over a child retained for another owner, and releases a controlled child that becomes retained', async () => {
    const ns = await createTestNamespace(kubeConfig, 'retain-clash');
    await start(ns);
    await admin.create({ ...widgetType, metadata: { name: 'a', namespace: ns }, spec: { value: 'a' } });
    await poll(async () => (await configMap(ns, 'a-data'))?.data.value).toBe('a');
    // Widget b wants the same child name.
    await admin.create({
      ...widgetType,
      metadata: { name: 'b', namespace: ns, labels: { data: 'a-data' } },
      spec: { value: 'b' },
    });
    await poll(async () => failures.get('b')).toContain('it is retained for Widget a; not taking it over');
    expect((await configMap(ns, 'a-data'))?.data.value).toBe('a');

    // Controlled first, then retained: the ownerReference goes, with an Event saying so.
    const c = await admin.create({
      ...widgetType,
      metadata: { name: 'c', namespace: ns },
      spec: { value: 'controlled-data' },
    });
    await poll(async () => (await configMap(ns, 'c-data'))?.metadata.ownerReferences?.map((r) => r.uid)).toEqual([
      c.metadata.uid,
    ]);
    await admin.patch(c, { type: 'merge', body: { spec: { value: 'retained-now' } } });
    await poll(async () => (await configMap(ns, 'c-data'))?.metadata.ownerReferences ?? []).toEqual([]);
    expect((await configMap(ns, 'c-data'))?.data.value).toBe('retained-now');
  });
});
