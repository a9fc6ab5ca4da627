import { createClient, type RequestInfo } from '@dsoi/client';
import { createTestNamespace, installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import { expect, it } from 'vitest';
import { createManager, done } from '../src/index.js';
import { type Widget, widget, widgetCrd, widgetType } from './fixtures/widget.js';

it('writes its pending Events before it releases the Lease on shutdown, so none is lost or written after', async () => {
  const kubeConfig = testKubeConfig();
  await installCrds(kubeConfig, [widgetCrd]);
  const ns = await createTestNamespace(kubeConfig, 'lease-end');
  // Every request the manager made, in the order the API server answered them.
  const requests: RequestInfo[] = [];
  const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
  const manager = createManager({
    name: 'lease-end-test',
    kubeConfig,
    probes: false,
    metrics: false,
    checkPermissions: false,
    logger: quiet,
    leaderElection: { namespace: ns, leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 },
    onRequest: (info) => requests.push(info),
  });
  let reconciled = 0;
  let tick = () => {};
  manager.addController<Widget>({
    name: 'widget',
    for: widgetType,
    namespace: ns,
    reconciler: ({ object }) => {
      if (!object) return done();
      const { name, namespace, uid } = object.metadata;
      const regarding = { ...widgetType, name, namespace, uid };
      tick = () =>
        manager.recorder.record({ regarding, type: 'Normal', reason: 'Tick', note: 'again', action: 'Reconcile' });
      tick();
      reconciled++;
      return done();
    },
  });
  const stop = new AbortController();
  const running = manager.start(stop.signal);
  const admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
  try {
    await expect.poll(() => manager.isLeader(), { timeout: 15_000 }).toBe(true);
    await admin.create(widget(ns, 'w', {}));
    await expect.poll(() => reconciled, { timeout: 15_000 }).toBe(1);
    const eventWrites = () => requests.filter((r) => r.resource === 'events' && r.namespace === ns && r.code < 300);
    await expect.poll(() => eventWrites().length, { timeout: 15_000 }).toBe(1);
    // The same occurrence twice more: its count-2 patch goes out at once, the count-3 one waits for the series
    // interval (10 s), so it is pending when the manager stops.
    tick();
    await expect.poll(() => eventWrites().length, { timeout: 15_000 }).toBe(2);
    tick();
    stop.abort();
    await running;

    const events = await admin.list<KubeObject & { reason?: string; series?: { count: number } }>(
      { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
      { namespace: ns },
    );
    const ticks = events.items.filter((e) => e.reason === 'Tick');
    expect(ticks).toHaveLength(1);
    expect(ticks[0]?.series?.count).toBe(3);
    const leaseWrites = requests.filter((r) => r.resource === 'leases' && r.verb !== 'get');
    const released = requests.indexOf(leaseWrites.at(-1)!);
    const lastEvent = requests.indexOf(eventWrites().at(-1)!);
    expect(lastEvent).toBeGreaterThan(-1);
    expect(lastEvent).toBeLessThan(released);
    const lease = await admin.get<KubeObject & { spec: { holderIdentity?: string } }>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: ns,
      name: 'lease-end-test-leader',
    });
    expect(lease.spec.holderIdentity ?? '').toBe('');
  } finally {
    stop.abort();
    await running.catch(() => {});
    admin.close();
  }
}, 60_000);
