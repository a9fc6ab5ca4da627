/**
 * Bounded memory, the part npm test can afford: the operator lists and watches only its own children (label
 * `app=pinot`), so unrelated ConfigMaps, Services and workloads in the namespaces it watches are neither cached nor
 * delivered to it. (The 20,000-ConfigMap run under the chart's memory limit belongs to the bench.)
 */

import { withFaultScenario } from '@dsoi/chart-testing';
import type { Client } from '@dsoi/client';
import { createLogger } from '@dsoi/reconcile';
import { beforeAll, describe, expect, it } from 'vitest';
import { pinotOwnedKinds } from '../src/cluster/pinotReconciler.ts';
import { createPinotOperator } from '../src/operator.ts';
import { installPinotCrds, kubeConfig } from './harness.ts';
import { fourNodePinot, waitForConvergence } from './reliability.ts';

let admin: Client;
beforeAll(async () => {
  admin = await installPinotCrds();
});

const resourceOf = {
  ConfigMap: 'configmaps',
  Service: 'services',
  StatefulSet: 'statefulsets',
  Deployment: 'deployments',
  Secret: 'secrets',
};

describe('informer scope', () => {
  it('lists and watches only its own children (app=pinot), not the unrelated objects of the namespace', async () => {
    await withFaultScenario(
      {
        kubeConfig,
        prefix: 'scope',
        startOperator: (proxied, namespace, signal) =>
          createPinotOperator({
            kubeConfig: proxied,
            watchNamespaces: [namespace],
            reconcileWaitMs: 600_000,
            probes: false,
            metrics: false,
            logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
          }).start(signal),
      },
      async ({ namespace, proxy }) => {
        const filler = 'x'.repeat(20 * 1024);
        for (let i = 0; i < 20; i++) {
          await admin.create({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `unrelated-${i}`, namespace, labels: { app: 'other' } },
            data: { filler },
          });
        }
        await admin.create(fourNodePinot(namespace, 'scoped'));
        await waitForConvergence(admin, namespace, { live: ['scoped'] });

        const reads = proxy.log.filter(
          (r) => (r.verb === 'list' || r.verb === 'watch') && Object.values(resourceOf).includes(r.resource),
        );
        // Precondition: the operator did list and watch every owned kind (and converged through those informers).
        for (const { kind } of pinotOwnedKinds) {
          const resource = resourceOf[kind as keyof typeof resourceOf];
          expect(
            reads.some((r) => r.resource === resource && r.verb === 'list'),
            `a list of ${resource}`,
          ).toBe(true);
          expect(
            reads.some((r) => r.resource === resource && r.verb === 'watch'),
            `a watch of ${resource}`,
          ).toBe(true);
        }
        // Outcome: each of those reads asked only for app=pinot, so none of the 400 KiB of unrelated ConfigMaps
        // (nor any other unrelated object) reached the operator's cache.
        const unscoped = reads.filter((r) => new URLSearchParams(r.query).get('labelSelector') !== 'app=pinot');
        expect(unscoped.map((r) => `${r.verb} ${r.resource}?${r.query}`)).toEqual([]);
      },
    );
  }, 120_000);
});
