import { createClient } from '@dsoi/client';
import { createTestNamespace, installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import { expect, it } from 'vitest';
import { createManager, done } from '../src/index.js';
import { widget, widgetCrd, widgetType } from './fixtures/widget.js';

it('serves probes and controller-runtime metrics, and leads through a Lease', async () => {
  const kubeConfig = testKubeConfig();
  await installCrds(kubeConfig, [widgetCrd]);
  const ns = await createTestNamespace(kubeConfig, 'manager');
  const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
  const manager = createManager({
    name: 'metrics-test',
    kubeConfig,
    probes: { port: 0 },
    metrics: { port: 0 },
    leaderElection: { namespace: ns, leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 },
    logger: quiet,
  });
  let reconciled = 0;
  manager.addController({
    name: 'widget',
    for: widgetType,
    namespace: ns,
    reconciler: () => {
      reconciled++;
      return done();
    },
  });
  const stop = new AbortController();
  const running = manager.start(stop.signal);
  await expect.poll(() => manager.isLeader(), { timeout: 15_000 }).toBe(true);
  await expect.poll(async () => (await fetch(`${manager.probeUrl()}/readyz`)).status, { timeout: 15_000 }).toBe(200);
  expect(await (await fetch(`${manager.probeUrl()}/healthz`)).text()).toBe('ok');

  const admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
  await admin.create(widget(ns, 'm', {}));
  await expect.poll(() => reconciled, { timeout: 15_000 }).toBeGreaterThan(0);
  const metrics = await (await fetch(`${manager.metricsUrl()}/metrics`)).text();
  expect(metrics).toMatch(/controller_runtime_reconcile_total\{controller="widget",result="success"\} [1-9]/);
  expect(metrics).toMatch(/workqueue_adds_total\{name="widget",controller="widget"\} [1-9]/);
  expect(metrics).toMatch(/rest_client_requests_total\{code="200",method="GET",host="127\.0\.0\.1:\d+"\} [1-9]/);
  expect(metrics).toMatch(/leader_election_master_status\{name="metrics-test-leader"\} 1/);

  const lease = await admin.get<KubeObject & { spec: { holderIdentity: string } }>({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    namespace: ns,
    name: 'metrics-test-leader',
  });
  expect(lease.spec.holderIdentity).toMatch(/_\d+$/);
  stop.abort();
  await running;
  // Released on shutdown, so a standby can take over at once.
  const released = await admin.get<KubeObject & { spec: { holderIdentity?: string } }>({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    namespace: ns,
    name: 'metrics-test-leader',
  });
  expect(released.spec.holderIdentity ?? '').toBe('');
});
