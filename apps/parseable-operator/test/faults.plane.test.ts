/**
 * Faults of the control plane itself, with the Pinot suite's runner and helpers (@dsoi/chart-testing): etcd
 * compacted while the operator was cut off (its informers meet kube-apiserver's own 410 Expired and relist), and
 * kube-apiserver restarted in the middle of a rollout. They stop and compact the API server, so they run on a control
 * plane of their own. RECONCILE_WAIT is 10 minutes: only watch events bring changes in. Each case first checks that
 * its fault hit the state it is named after, then that every tenant converged.
 */
import { compactWhileCutOff, listsSince, waitForRolloutInFlight, waitUntil } from '@dsoi/chart-testing';
import { type Client, createClient } from '@dsoi/client';
import { type ControlPlane, type CustomResourceDefinitionObject, startControlPlane } from '@dsoi/envtest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseableTenantCrd } from '../src/api/crds.ts';
import { parseableTenantType } from '../src/operator.ts';
import { types } from './harness.ts';
import { createTenants, names, setImage, waitForConvergence, withParseableScenario } from './reliability.ts';

let plane: ControlPlane;
let admin: Client;
beforeAll(async () => {
  plane = await startControlPlane({
    crds: [parseableTenantCrd() as unknown as CustomResourceDefinitionObject],
    garbageCollector: true,
  });
  admin = createClient({ kubeConfig: plane.kubeConfig, fieldManager: 'test-admin' });
});
afterAll(async () => {
  admin?.close();
  await plane?.stop();
});

describe('Parseable faults of the control plane', () => {
  it('resumes with a relist when etcd was compacted past its resourceVersion while it was cut off (410 Gone)', async () => {
    await withParseableScenario(plane.kubeConfig, 'p-gone', async ({ namespace, proxy }) => {
      const tenants = names('gone', 3);
      await createTenants(admin, namespace, tenants);
      await waitForConvergence(admin, namespace, tenants);
      // Changes behind its back while it is cut off; then the compaction. Precondition (waited for inside): a watch
      // of the operator met kube-apiserver's own 410 Expired after it was let back in.
      const reconnectedAt = await compactWhileCutOff(plane, proxy, async () => {
        await setImage(admin, namespace, 'gone-1', 'v0.4.6');
        await admin.delete({ ...types.tenant, namespace, name: 'gone-2' });
        await createTenants(admin, namespace, ['gone-4']);
      });
      await waitForConvergence(admin, namespace, ['gone-1', 'gone-3', 'gone-4'], 120_000);
      // The tenant deleted while it was away is gone with its children (the garbage collector), and it relisted.
      await waitUntil(
        'gone-2 deleted',
        async () => !(await admin.list(types.tenant, { namespace })).items.some((t) => t.metadata?.name === 'gone-2'),
      );
      expect(listsSince(proxy.log, 'parseabletenants', reconnectedAt).length).toBeGreaterThanOrEqual(1);
    });
  }, 240_000);

  it('finishes a rollout when kube-apiserver is killed and restarted (same etcd) in the middle of it', async () => {
    let held = false;
    await withParseableScenario(
      plane.kubeConfig,
      'p-restart',
      async ({ namespace, proxy }) => {
        const tenants = names('roll', 3);
        await createTenants(admin, namespace, tenants);
        await waitForConvergence(admin, namespace, tenants);
        // No workload becomes ready until the restart (the workload simulator holds them; envtest runs no Deployment
        // controller), so the rollout started here is still in flight then.
        held = true;
        for (const name of tenants) await setImage(admin, namespace, name, 'v0.4.7');
        // Precondition: every tenant has a Deployment rewritten but not rolled out, and its status waits on it (the
        // other Deployment of its node type is blocked behind it).
        const inFlight = { namespace, crType: parseableTenantType, workloadType: types.deployment, names: tenants };
        await waitForRolloutInFlight(admin, inFlight);
        const stoppedAt = Date.now();
        await plane.restartApiServer();
        held = false;
        // Outcome: the second Deployment of each tenant is rewritten only on the event of the first one's readiness,
        // which reaches the operator through a watch opened after the restart; every tenant converges.
        await waitForConvergence(admin, namespace, tenants, 120_000);
        const rewatched = proxy.log.filter(
          (r) =>
            r.verb === 'watch' && r.resource === 'deployments' && r.status === 200 && r.time.getTime() >= stoppedAt,
        );
        expect(rewatched.length).toBeGreaterThanOrEqual(1);
      },
      { held: () => held },
    );
  }, 240_000);
});
