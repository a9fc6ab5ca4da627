/**
 * Reliability of the Parseable operator through @dsoi/envtest's fault proxy, with the runner the Pinot suite uses
 * (@dsoi/chart-testing's withFaultScenario): writes committed on the server whose responses were lost, 429s, 5xx and
 * conflicts on writes, and watch streams cut while tenants change. RECONCILE_WAIT is 10 minutes, so only watch events
 * bring changes in; each case first checks that its fault hit, then that every tenant converged.
 */

import { committed, ownedChildrenProblems, waitUntil, withFaultScenario, writesOf } from '@dsoi/chart-testing';
import type { Client, KubeObject } from '@dsoi/client';
import { createLogger } from '@dsoi/reconcile';
import { beforeAll, describe, expect, it } from 'vitest';
import { createParseableOperator, parseableTenantType } from '../src/operator.ts';
import { desiredTenantChildren, type TenantOwner } from '../src/tenant/desiredChildren.ts';
import { tenantOwnedKinds } from '../src/tenant/tenantReconciler.ts';
import { example, installParseableCrd, kubeConfig, patchSpec, types } from './harness.ts';

let admin: Client;
beforeAll(async () => {
  admin = await installParseableCrd();
});

type Body = Parameters<typeof withFaultScenario>[1];

function withScenario(prefix: string, body: Body) {
  return withFaultScenario(
    {
      kubeConfig,
      prefix,
      startOperator: (proxied, namespace, signal) =>
        createParseableOperator({
          kubeConfig: proxied,
          watchNamespaces: [namespace],
          reconcileWaitMs: 600_000,
          probes: false,
          metrics: false,
          logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
        }).start(signal),
    },
    body,
  );
}

const names = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
const ownedKinds = new Set(tenantOwnedKinds.map((t) => t.kind));

/** The controlled children a live tenant should have (retained data claims are not controlled). */
const desiredKeys = (cr: KubeObject) =>
  desiredTenantChildren(cr as unknown as TenantOwner)
    .children.filter(({ object, ownership }) => ownership !== 'retained' && ownedKinds.has(object.kind ?? ''))
    .map(({ object }) => `${object.kind}/${object.metadata?.name}`);

/** The multi-node example; node names carry the tenant's, as child names derive from them (so tenants share a namespace). */
async function createTenants(namespace: string, tenants: readonly string[]) {
  for (const name of tenants) {
    const tenant = example('parseable-multi-nodes.yaml', namespace, name);
    for (const node of tenant.spec.nodes) node.name = `${name}-${node.name}`;
    await admin.create(tenant);
  }
}

/** Sets a new image tag on every node group of a tenant (rolls its workloads). */
async function setImage(namespace: string, name: string, tag: string) {
  const live = await admin.get<KubeObject & { spec: { k8sConfig: { image: string }[] } }>({
    ...types.tenant,
    namespace,
    name,
  });
  const k8sConfig = live.spec.k8sConfig.map((k) => ({ ...k, image: k.image.replace(/:[^:]*$/, `:${tag}`) }));
  await patchSpec(admin, namespace, name, { k8sConfig });
}

/** What keeps each tenant from having converged: status current and Ready, exactly its children, each once. */
async function convergenceProblems(namespace: string, tenants: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const owned = await ownedChildrenProblems(admin, {
    namespace,
    crType: parseableTenantType,
    childTypes: tenantOwnedKinds,
    names: tenants,
    desired: desiredKeys,
  });
  for (const name of tenants) {
    const cr = await admin.get<KubeObject & { status?: any }>({ ...types.tenant, namespace, name });
    const generation = (cr.metadata as { generation?: number }).generation;
    if (cr.status?.observedGeneration !== generation) problems.push(`${name}: status not at generation ${generation}`);
    const ready = cr.status?.conditions?.find((c: { type: string }) => c.type === 'Ready');
    if (ready?.status !== 'True') problems.push(`${name}: Ready is ${ready?.status} (${ready?.reason})`);
    for (const problem of owned.get(name) ?? []) problems.push(`${name}: ${problem}`);
  }
  return problems;
}

async function waitForConvergence(namespace: string, tenants: readonly string[], timeoutMs = 90_000) {
  let last: string[] = [];
  await waitUntil(
    'every tenant converged',
    async () => {
      last = await convergenceProblems(namespace, tenants).catch((err: Error) => [err.message]);
      return last.length === 0;
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}:\n  ${last.join('\n  ')}`);
  });
}

describe('Parseable faults', () => {
  it('survives writes committed on the server whose responses were lost: no duplicate child, no lost status', async () => {
    await withScenario('p-lost', async ({ namespace, proxy }) => {
      const tenants = names('lost', 2);
      const lose = (resource: string, times: number) =>
        proxy.inject({ match: { writes: true, resource }, fault: { type: 'lostResponse' }, times });
      lose('deployments', 3);
      lose('services', 2);
      lose('configmaps', 2);
      lose('parseabletenants/status', 3);
      await createTenants(namespace, tenants);
      await waitForConvergence(namespace, tenants);
      // A second round: the rollout's updates and status writes lose their answers too.
      lose('deployments', 2);
      lose('parseabletenants/status', 2);
      for (const name of tenants) await setImage(namespace, name, 'v0.4.1');
      await waitForConvergence(namespace, tenants);

      // Precondition: every rule hit; the server answered each of those writes while the operator saw a reset.
      const lost = proxy.log.filter((r) => r.fault === 'lostResponse');
      const what = (r: (typeof lost)[number]) => `${r.resource}${r.subresource ? `/${r.subresource}` : ''}`;
      const expected = { configmaps: 2, deployments: 5, 'parseabletenants/status': 5, services: 2 };
      expect(
        Object.fromEntries(Object.keys(expected).map((k) => [k, lost.filter((r) => what(r) === k).length])),
      ).toEqual(expected);
      for (const record of lost) expect(record).toMatchObject({ status: 0 });
      for (const kind of Object.keys(expected))
        expect(
          lost.some((r) => what(r) === kind && committed(r)),
          `a committed ${kind} write`,
        ).toBe(true);
      // Outcome: converged (checked above), and nothing was created twice.
      expect(await convergenceProblems(namespace, tenants)).toEqual([]);
    });
  }, 180_000);

  it('converges through 429s and 5xx on writes, and then with a conflict on every second write', async () => {
    await withScenario('p-writes', async ({ namespace, proxy }) => {
      const tenants = names('burst', 2);
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 429, retryAfterSeconds: 1 }, times: 10 });
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 500 }, times: 5 });
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 503 }, times: 5 });
      await createTenants(namespace, tenants);
      await waitForConvergence(namespace, tenants);
      // Precondition: all 20 faults were injected into writes.
      expect(proxy.log.filter((r) => r.fault === 'status').length).toBe(20);

      proxy.clearFaults();
      proxy.resetStats();
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 409 }, every: 2 });
      for (const name of tenants) await setImage(namespace, name, 'v0.4.2');
      await waitForConvergence(namespace, tenants);
      expect(proxy.stats().faultsInjected).toBeGreaterThan(2);
    });
  }, 180_000);

  it('converges while its watch streams are cut every 2 s as tenants are created and changed', async () => {
    await withScenario('p-cuts', async ({ namespace, proxy, assertRunning }) => {
      let cuts = 0;
      const cutter = setInterval(() => {
        cuts += proxy.dropWatches() > 0 ? 1 : 0;
      }, 2_000);
      const tenants = names('cut', 3);
      try {
        await createTenants(namespace, tenants.slice(0, 2));
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        await createTenants(namespace, tenants.slice(2));
        for (const [round, tag] of ['v0.4.3', 'v0.4.4'].entries()) {
          for (const name of tenants.slice(0, 2 + round)) await setImage(namespace, name, tag);
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
      await waitForConvergence(namespace, tenants);
      expect(writesOf(proxy.log).filter(committed).length).toBeGreaterThan(0);
    });
  }, 180_000);

  it('lists and watches only its own children and claims (app=parseable), not the unrelated objects of the namespace', async () => {
    await withScenario('p-scope', async ({ namespace, proxy }) => {
      const filler = 'x'.repeat(20 * 1024);
      for (let i = 0; i < 20; i++) {
        await admin.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `unrelated-${i}`, namespace, labels: { app: 'other' } },
          data: { filler },
        });
      }
      const tenants = names('scoped', 1);
      await createTenants(namespace, tenants);
      await waitForConvergence(namespace, tenants);
      const resources = ['configmaps', 'services', 'statefulsets', 'deployments', 'persistentvolumeclaims'];
      const reads = proxy.log.filter(
        (r) => (r.verb === 'list' || r.verb === 'watch') && resources.includes(r.resource),
      );
      // Precondition: every owned kind and the claims were listed and watched (the tenant converged through them).
      for (const resource of resources)
        for (const verb of ['list', 'watch'])
          expect(
            reads.some((r) => r.resource === resource && r.verb === verb),
            `${verb} ${resource}`,
          ).toBe(true);
      // Outcome: each of those reads asked only for app=parseable.
      const unscoped = reads.filter((r) => new URLSearchParams(r.query).get('labelSelector') !== 'app=parseable');
      expect(unscoped.map((r) => `${r.verb} ${r.resource}?${r.query}`)).toEqual([]);
    });
  }, 120_000);
});
