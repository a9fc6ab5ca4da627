/**
 * Bounded memory, the part npm test can afford: the operator lists and watches only its own children (label
 * `app=pinot`), so unrelated ConfigMaps, Services and workloads in the namespaces it watches are neither cached nor
 * delivered to it. (The 20,000-ConfigMap run under the chart's memory limit belongs to the bench.)
 */

import { createUnrelatedConfigMaps, informerReads, scenarioOperator, withFaultScenario } from '@dsoi/chart-testing';
import type { Client } from '@dsoi/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { pinotOwnedKinds } from '../src/cluster/pinotReconciler.ts';
import { createPinotOperator } from '../src/operator.ts';
import { installPinotCrds, kubeConfig } from './harness.ts';
import { fourNodePinot, waitForConvergence } from './reliability.ts';

let admin: Client;
beforeAll(async () => {
  admin = await installPinotCrds();
});

describe('informer scope', () => {
  it('lists and watches only its own children (app=pinot), not the unrelated objects of the namespace', async () => {
    const startOperator = scenarioOperator(createPinotOperator);
    await withFaultScenario({ kubeConfig, prefix: 'scope', startOperator }, async ({ namespace, proxy }) => {
      await createUnrelatedConfigMaps(admin, namespace);
      await admin.create(fourNodePinot(namespace, 'scoped'));
      await waitForConvergence(admin, namespace, { live: ['scoped'] });

      const resources = pinotOwnedKinds.map(({ kind }) => `${kind.toLowerCase()}s`);
      const { missing, unscoped } = informerReads(proxy.log, resources, 'app=pinot');
      // Precondition: the operator did list and watch every owned kind (and converged through those informers).
      expect(missing).toEqual([]);
      // Outcome: each of those reads asked only for app=pinot, so none of the 400 KiB of unrelated ConfigMaps
      // (nor any other unrelated object) reached the operator's cache.
      expect(unscoped).toEqual([]);
    });
  }, 120_000);
});
