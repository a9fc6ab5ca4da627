/**
 * A fault of the control plane itself, with the Pinot suite's runner and helpers (@dsoi/chart-testing): etcd
 * compacted while the operator was cut off (its informers meet kube-apiserver's own 410 Expired and relist). It
 * stops and compacts the API server, so it runs on a control plane of its own. RECONCILE_WAIT is 10 minutes: only watch events bring changes in. Each case first checks that its fault hit the
 * state it is named after, then that every tenant converged.
 */
import { compactWhileCutOff, waitUntil } from '@dsoi/chart-testing';
import { type Client, createClient } from '@dsoi/client';
import { type ControlPlane, type CustomResourceDefinitionObject, startControlPlane } from '@dsoi/envtest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseableTenantCrd } from '../src/api/crds.ts';
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
      const relisted = proxy.log.filter(
        (r) => r.verb === 'list' && r.resource === 'parseabletenants' && r.time.getTime() >= reconnectedAt,
      );
      expect(relisted.length).toBeGreaterThanOrEqual(1);
    });
  }, 240_000);
});
