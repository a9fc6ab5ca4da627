/**
 * Reliability of the Parseable operator through @dsoi/envtest's fault proxy, with the runner the Pinot suite uses
 * (@dsoi/chart-testing's withFaultScenario): writes committed on the server whose responses were lost, 429s, 5xx and
 * conflicts on writes, watch streams cut while tenants change, and many tenants at once (the faults of the control
 * plane itself, a 410 and a restart, are in faults.plane.test.ts). RECONCILE_WAIT is 10 minutes, so only watch events
 * bring changes in; each case first checks that its fault hit, then that every tenant converged.
 */

import {
  committed,
  createUnrelatedConfigMaps,
  informerReads,
  lostResponses,
  waitUntil,
  writesOf,
} from '@dsoi/chart-testing';
import type { Client } from '@dsoi/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { installParseableCrd, kubeConfig } from './harness.ts';
import {
  convergenceProblems,
  createTenants,
  names,
  setImage,
  waitForConvergence,
  withParseableScenario,
} from './reliability.ts';

let admin: Client;
beforeAll(async () => {
  admin = await installParseableCrd();
});

describe('Parseable faults', () => {
  it('survives writes committed on the server whose responses were lost: no duplicate child, no lost status', async () => {
    await withParseableScenario(kubeConfig, 'p-lost', async ({ namespace, proxy }) => {
      const tenants = names('lost', 2);
      const { lose, lost, countsOf, withoutCommitted } = lostResponses(proxy);
      lose('deployments', 3);
      lose('services', 2);
      lose('configmaps', 2);
      lose('parseabletenants/status', 3);
      await createTenants(admin, namespace, tenants);
      // Precondition of the first round: all 10 responses were lost before the tenants converged.
      await waitUntil('10 lost responses', () => lost().length === 10, 120_000);
      await waitForConvergence(admin, namespace, tenants);
      // A second round: the rollout's updates and status writes lose their answers too.
      lose('deployments', 2);
      lose('parseabletenants/status', 2);
      for (const name of tenants) await setImage(admin, namespace, name, 'v0.4.1');
      await waitUntil('14 lost responses', () => lost().length === 14, 120_000);

      // Precondition: every rule hit; the server answered each of those writes while the operator saw a reset.
      const expected = { configmaps: 2, deployments: 5, 'parseabletenants/status': 5, services: 2 };
      expect(countsOf(Object.keys(expected))).toEqual(expected);
      for (const record of lost()) expect(record).toMatchObject({ status: 0 });
      expect(withoutCommitted(Object.keys(expected)), 'kinds without a committed write').toEqual([]);
      // Outcome: converged, and nothing was created twice.
      await waitForConvergence(admin, namespace, tenants);
      expect(await convergenceProblems(admin, namespace, tenants)).toEqual([]);
    });
  }, 180_000);

  it('converges through 429s and 5xx on writes, and then with a conflict on every second write', async () => {
    await withParseableScenario(kubeConfig, 'p-writes', async ({ namespace, proxy }) => {
      const tenants = names('burst', 2);
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 429, retryAfterSeconds: 1 }, times: 10 });
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 500 }, times: 5 });
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 503 }, times: 5 });
      await createTenants(admin, namespace, tenants);
      // Precondition: all 20 faults were answered to writes before the tenants converged.
      await waitUntil('20 faults injected', () => proxy.log.filter((r) => r.fault === 'status').length === 20, 120_000);
      await waitForConvergence(admin, namespace, tenants);

      proxy.clearFaults();
      proxy.resetStats();
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 409 }, every: 2 });
      for (const name of tenants) await setImage(admin, namespace, name, 'v0.4.2');
      // Precondition: the rollouts met conflicts.
      await waitUntil('more than 2 conflicts injected', () => proxy.stats().faultsInjected > 2, 120_000);
      await waitForConvergence(admin, namespace, tenants);
    });
  }, 180_000);

  it('converges while its watch streams are cut every 2 s as tenants are created and changed', async () => {
    await withParseableScenario(kubeConfig, 'p-cuts', async ({ namespace, proxy, assertRunning }) => {
      let cuts = 0;
      const cutter = setInterval(() => {
        cuts += proxy.dropWatches() > 0 ? 1 : 0;
      }, 2_000);
      const tenants = names('cut', 3);
      try {
        await createTenants(admin, namespace, tenants.slice(0, 2));
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        await createTenants(admin, namespace, tenants.slice(2));
        for (const [round, tag] of ['v0.4.3', 'v0.4.4'].entries()) {
          for (const name of tenants.slice(0, 2 + round)) await setImage(admin, namespace, name, tag);
          await new Promise((resolve) => setTimeout(resolve, 5_000));
          assertRunning();
        }
      } finally {
        clearInterval(cutter);
      }
      // Precondition: the streams were cut, and the operator opened new ones after the cuts.
      expect(cuts).toBeGreaterThanOrEqual(5);
      const tenantWatches = proxy.log.filter((r) => r.verb === 'watch' && r.resource === 'parseabletenants');
      expect(tenantWatches.length).toBeGreaterThan(cuts);
      await waitForConvergence(admin, namespace, tenants);
      expect(writesOf(proxy.log).filter(committed).length).toBeGreaterThan(0);
    });
  }, 180_000);

  it('converges 24 tenants created at once, then changed together, with the conflicts of a busy cluster', async () => {
    await withParseableScenario(kubeConfig, 'p-many', async ({ namespace, proxy }) => {
      const tenants = names('many', 24);
      // Every tenth write conflicts, as when several writers race on a busy cluster.
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 409 }, every: 10 });
      const inParallel = async (work: (name: string) => Promise<unknown>) => {
        const queue = [...tenants];
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            for (let name = queue.shift(); name !== undefined; name = queue.shift()) await work(name);
          }),
        );
      };
      await inParallel((name) => createTenants(admin, namespace, [name]));
      // Precondition: the tenants were reconciled at once (several requests of the operator in flight together),
      // and the conflicts hit its writes.
      await waitUntil('several requests in flight at once', () => proxy.stats().maxInFlight > 1, 60_000);
      await waitUntil('conflicts injected', () => proxy.stats().faultsInjected > 5, 60_000);
      await waitForConvergence(admin, namespace, tenants, 180_000);
      await inParallel((name) => setImage(admin, namespace, name, 'v0.4.5'));
      await waitForConvergence(admin, namespace, tenants, 180_000);
    });
  }, 420_000);

  it('lists and watches only its own children and claims (app=parseable), not the unrelated objects of the namespace', async () => {
    await withParseableScenario(kubeConfig, 'p-scope', async ({ namespace, proxy }) => {
      await createUnrelatedConfigMaps(admin, namespace);
      const tenants = names('scoped', 1);
      await createTenants(admin, namespace, tenants);
      await waitForConvergence(admin, namespace, tenants);
      const resources = ['configmaps', 'services', 'statefulsets', 'deployments', 'persistentvolumeclaims'];
      const { missing, unscoped } = informerReads(proxy.log, resources, 'app=parseable');
      // Precondition: every owned kind and the claims were listed and watched (the tenant converged through them).
      expect(missing).toEqual([]);
      // Outcome: each of those reads asked only for app=parseable.
      expect(unscoped).toEqual([]);
    });
  }, 120_000);
});
