import { createClient, type RequestInfo } from '@dsoi/client';
import { createTestNamespace, installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import { expect, it } from 'vitest';
import { createManager, done } from '../src/index.js';
import { managerDefaults } from '../src/manager/index.js';
import { configMapType, type Widget, widget, widgetCrd, widgetType } from './fixtures/widget.js';

it("caps a bad custom resource's write loop at the manager's default 20 QPS, burst 30", async () => {
  const kubeConfig = testKubeConfig();
  await installCrds(kubeConfig, [widgetCrd]);
  const ns = await createTestNamespace(kubeConfig, 'qps');
  const writes: number[] = [];
  // Requests held back for a token (or a slot) while a write finished: eight parallel writes never fill the 32
  // in-flight slots, so only the token bucket makes any wait.
  let maxWaiting = 0;
  const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
  const manager = createManager({
    name: 'qps-test',
    kubeConfig,
    probes: false,
    metrics: false,
    checkPermissions: false,
    logger: quiet,
    onRequest: (info: RequestInfo) => {
      if (info.namespace !== ns || info.verb !== 'patch' || info.resource !== 'configmaps') return;
      writes.push(performance.now());
      maxWaiting = Math.max(maxWaiting, manager.client.stats().waiting);
    },
  });
  // Eight "nodes" of one widget derive the same child name with different content (the Pinot derived-name collision
  // of issue 18): every pass rewrites the child eight times, and each write wakes the owner again: it never converges.
  manager.addController<Widget>({
    name: 'colliding',
    for: widgetType,
    owns: [configMapType],
    namespace: ns,
    reconciler: async ({ object, signal }) => {
      if (!object) return done();
      const { name, namespace, uid } = object.metadata;
      const owner = { ...widgetType, name, uid, controller: true };
      const metadata = { name: `${name}-shared`, namespace, ownerReferences: [owner] };
      await Promise.all(
        [...'abcdefgh'].map((node) =>
          manager.client.apply({ ...configMapType, metadata, data: { node } }, { signal, force: true }),
        ),
      );
      return done();
    },
  });
  const stop = new AbortController();
  const running = manager.start(stop.signal);
  const admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
  try {
    await manager.store.waitForSync(AbortSignal.timeout(30_000));
    const startedMs = performance.now();
    await admin.create(widget(ns, 'loop', {}));
    await expect.poll(() => writes.length, { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(100);
    const count = writes.length;
    const lastMs = writes.at(-1) ?? startedMs;
    // A token bucket grants at most `burst` plus `qps` per second since it was full; reads and watches of the same
    // client take tokens too, so the writes stay below this. (Without the limit the count depends on the machine's
    // load, so the check that cannot pass without the bucket is the next one.)
    const { qps, burst } = managerDefaults.clientRateLimit;
    const allowed = burst + (qps * (lastMs - startedMs)) / 1000;
    expect(count, `${count} writes in ${(lastMs - startedMs).toFixed(0)} ms`).toBeLessThanOrEqual(Math.ceil(allowed));
    // What held them back was the bucket: writes queued for a token.
    expect(maxWaiting).toBeGreaterThan(0);
  } finally {
    stop.abort();
    await running;
    admin.close();
  }
}, 120_000);
