import { type Client, createClient } from '@dsoi/client';
import { createTestNamespace, installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChildrenReport, done, reconcileChildren } from '../src/index.js';
import { startOperator, type TestOperator } from './fixtures/operator.js';
import { desiredChildren, statefulSetType, widget, widgetCrd, widgetType } from './fixtures/widget.js';

const kubeConfig = testKubeConfig();
let admin: Client;
let operator: TestOperator | undefined;
const reports = new Map<string, ChildrenReport>();
const errors = new Map<string, string>();
const eventType = { apiVersion: 'events.k8s.io/v1', kind: 'Event' };

beforeAll(async () => {
  await installCrds(kubeConfig, [widgetCrd]);
  admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
});
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
  reports.clear();
  errors.clear();
});

async function startWidgetOperator(): Promise<TestOperator> {
  operator = await startOperator(async ({ object, cache, signal }) => {
    if (!object) return done();
    try {
      const report = await reconcileChildren({
        owner: object,
        desired: desiredChildren(object),
        client: operator!.manager.client,
        cache,
        recorder: operator!.manager.recorder,
        fieldManager: 'widget-operator',
        signal,
      });
      reports.set(`${object.metadata.namespace}/${object.metadata.name}`, report);
    } catch (err) {
      errors.set(
        `${object.metadata.namespace}/${object.metadata.name}`,
        err instanceof Error ? err.message : String(err),
      );
      throw err;
    }
    return done();
  });
  return operator;
}

/** A StatefulSet as another operator wrote it: claim template metadata {name, namespace}, owned by the widget. */
async function foreignStatefulSet(ns: string, owner: KubeObject, selector: Record<string, string>) {
  return admin.create<any>({
    ...statefulSetType,
    metadata: {
      name: 'w-db',
      namespace: ns,
      labels: { widget: 'w' },
      ownerReferences: [
        { apiVersion: widgetType.apiVersion, kind: 'Widget', name: 'w', uid: owner.metadata!.uid!, controller: true },
      ],
    },
    spec: {
      replicas: 1,
      serviceName: 'w-db',
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        // A field the other writer set and we do not want: server-side apply alone would never remove it.
        spec: { containers: [{ name: 'main', image: 'img:1', env: [{ name: 'LEFTOVER', value: 'x' }] }] },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', namespace: ns },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  });
}

const get = (ns: string) => admin.get<any>({ ...statefulSetType, namespace: ns, name: 'w-db' });

describe('immutable fields of live children', () => {
  it('takes over a StatefulSet whose claim templates differ: keeps them, updates the pod template, warns with the orphan-delete recipe', async () => {
    const ns = await createTestNamespace(kubeConfig, 'immutable');
    const owner = await admin.create(widget(ns, 'w', { workloads: [{ name: 'db', image: 'img:2', storage: '1Gi' }] }));
    const before = await foreignStatefulSet(ns, owner, { widget: 'w', node: 'db' });
    // The state the test is named after: the live claim template lacks the labels we want (an immutable field).
    expect(before.spec.volumeClaimTemplates[0].metadata).toEqual({ name: 'data', namespace: ns });

    await startWidgetOperator();
    await expect
      .poll(async () => (await get(ns)).spec.template.spec.containers[0].image, { timeout: 20_000 })
      .toBe('img:2');
    const after = await get(ns);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.spec.volumeClaimTemplates).toEqual(before.spec.volumeClaimTemplates);
    // One write made the pod template exactly the desired one: the other writer's env var is gone with it.
    expect(after.spec.template.spec.containers[0].env).toBeUndefined();
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    await expect
      .poll(() => reports.get(`${ns}/w`)?.kept, { timeout: 20_000 })
      .toEqual([
        expect.objectContaining({
          kind: 'StatefulSet',
          name: 'w-db',
          fields: [
            expect.objectContaining({
              field: 'spec.volumeClaimTemplates',
              at: 'spec.volumeClaimTemplates[0].metadata.labels',
            }),
          ],
        }),
      ]);
    expect(errors.get(`${ns}/w`)).toBeUndefined();
    await expect
      .poll(
        async () =>
          (await admin.list<any>(eventType, { namespace: ns })).items
            .filter((e) => e.reason === 'ImmutableFieldKept')
            .map((e) => e.note),
        { timeout: 20_000 },
      )
      .toEqual([expect.stringContaining(`kubectl delete statefulset w-db -n ${ns} --cascade=orphan`)]);
    // Converged: later passes write nothing (the kept value is not drift), so the object stays as it is.
    const settled = (await get(ns)).metadata.resourceVersion;
    operator!.manager.controllers()[0]!.enqueue({ namespace: ns, name: 'w' });
    reports.delete(`${ns}/w`);
    await expect
      .poll(() => reports.get(`${ns}/w`)?.unchanged.map((r) => r.name), { timeout: 20_000 })
      .toEqual(['w-db']);
    expect((await get(ns)).metadata.resourceVersion).toBe(settled);
  });

  it('never sends a write that a kept selector would make Invalid, and names the field and the recipe', async () => {
    const ns = await createTestNamespace(kubeConfig, 'selector');
    const owner = await admin.create(widget(ns, 'w', { workloads: [{ name: 'db', image: 'img:2', storage: '1Gi' }] }));
    const before = await foreignStatefulSet(ns, owner, { widget: 'w', node: 'other' });
    // The state the test is named after: the live selector does not select the desired pods (node=db).
    expect(before.spec.selector).toEqual({ matchLabels: { widget: 'w', node: 'other' } });

    await startWidgetOperator();
    await expect.poll(() => errors.get(`${ns}/w`), { timeout: 20_000 }).toContain('spec.selector (node=other)');
    expect(errors.get(`${ns}/w`)).toContain(`kubectl delete statefulset w-db -n ${ns} --cascade=orphan`);
    // Retried with backoff, but nothing was ever sent: the object is as the other writer left it.
    const after = await get(ns);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec.template.spec.containers[0].image).toBe('img:1');
  });

  it('keeps the allocated cluster IP of a Service that should now be headless, and updates its ports in place', async () => {
    const ns = await createTestNamespace(kubeConfig, 'headless');
    const owner = await admin.create(widget(ns, 'w', {}));
    const serviceType = { apiVersion: 'v1', kind: 'Service' } as const;
    const service = (spec: Record<string, unknown>, ownerRefs: object[] = []) => ({
      ...serviceType,
      metadata: { name: 'w-svc', namespace: ns, ownerReferences: ownerRefs },
      spec: { selector: { widget: 'w' }, ...spec },
    });
    const before = await admin.create<any>(
      service({ ports: [{ name: 'http', port: 81 }] }, [
        { apiVersion: widgetType.apiVersion, kind: 'Widget', name: 'w', uid: owner.metadata!.uid!, controller: true },
      ]),
    );
    // The state the test is named after: an allocated cluster IP, where the desired Service is headless.
    expect(before.spec.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    operator = await startOperator(
      async ({ object, cache, signal }) => {
        if (!object) return done();
        try {
          const report = await reconcileChildren({
            owner: object,
            desired: [service({ clusterIP: 'None', ports: [{ name: 'http', port: 80 }] })],
            client: operator!.manager.client,
            cache,
            fieldManager: 'widget-operator',
            signal,
          });
          reports.set(`${object.metadata.namespace}/${object.metadata.name}`, report);
        } catch (err) {
          errors.set(
            `${object.metadata.namespace}/${object.metadata.name}`,
            err instanceof Error ? err.message : String(err),
          );
          throw err;
        }
        return done();
      },
      { owns: [serviceType] },
    );
    const live = () => admin.get<any>({ ...serviceType, namespace: ns, name: 'w-svc' });
    await expect.poll(async () => (await live()).spec.ports.map((p: any) => p.port), { timeout: 20_000 }).toEqual([80]);
    expect((await live()).spec.clusterIP).toBe(before.spec.clusterIP);
    await expect
      .poll(() => reports.get(`${ns}/w`)?.kept.flatMap((k) => k.fields.map((f) => f.field)), { timeout: 20_000 })
      .toEqual(['spec.clusterIP']);
    expect(errors.get(`${ns}/w`)).toBeUndefined();
  });
});
