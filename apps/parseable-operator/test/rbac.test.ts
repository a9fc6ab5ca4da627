/**
 * Least privilege, proven: real Helm installs the chart, and the operator runs with the token of the ServiceAccount
 * and the RBAC it created (cluster-wide, and with one watched namespace: Roles only) through a realistic scenario
 * (a distributed tenant with its workloads and retained data claims, a blocked then finished rollout, pruning, and
 * deletion) while every Kubernetes request it makes is recorded. Then (a) nothing it did was denied, (b) every rule
 * the chart grants was used, or is in the allowlist below with the reason, and (c) a rule taken out of the chart makes
 * the start-up fail with a MissingPermissionsError naming exactly that permission.
 */
import { join } from 'node:path';
import type { KubeObject, RequestInfo } from '@dsoi/client';
import { createTestNamespace, serviceAccountKubeConfig } from '@dsoi/envtest/testing';
import { createLogger, MissingPermissionsError } from '@dsoi/reconcile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyRbac,
  createChartInstaller,
  deniedRequests,
  grantsOf,
  namedGrant,
  unusedGrants,
  waitForRbac,
  withoutGrant,
  withoutNamespace,
} from '../../../tools/testing/chartRbac.ts';
import { helmBinary, helmTemplate } from '../../../tools/testing/helm.ts';
import { createParseableOperator } from '../src/operator.ts';
import {
  conditionOf,
  eventually,
  example,
  installParseableCrd,
  kubeConfig,
  markReady,
  read,
  types,
  waitFor,
} from './harness.ts';

/**
 * Grants no scenario can show in a request record, each with why the operator still needs it. Everything else the
 * chart grants must be used, so an unneeded grant fails this test.
 */
const allowlist: Record<string, string> = {
  // reconcileChildren sets blockOwnerDeletion on every child; the OwnerReferencesPermissionEnforcement admission
  // plugin (enabled on OpenShift, not in envtest) allows that only with update on the owner's finalizers.
  'parseable.io parseabletenants/finalizers update':
    'blockOwnerDeletion on children (OwnerReferencesPermissionEnforcement)',
};

const chartDir = join(import.meta.dirname, '..', 'deploy', 'chart');
const chart = createChartInstaller(chartDir, kubeConfig);
/** The Lease of the chart's operator (parseableOperatorDefaults.leaderElectionId), in the release namespace. */
const leaseName = '56004781.parseable.io';

let admin: Awaited<ReturnType<typeof installParseableCrd>>;
const clusterScoped: KubeObject[] = [];
beforeAll(async () => {
  await helmBinary(); // builds helm once when the cache has none
  admin = await installParseableCrd();
}, 1_800_000);
afterAll(async () => {
  await chart.uninstallAll();
  for (const object of clusterScoped) await admin.delete(object).catch(() => {});
});

describe("the chart's RBAC", () => {
  it.each([
    { mode: 'cluster-wide', values: () => ({}), rbac: 'ClusterRole' },
    { mode: 'watch-namespaces', values: (ns: string) => ({ watchNamespaces: [ns] }), rbac: 'Role' },
  ])(
    '$mode: a whole scenario as its ServiceAccount is never denied and uses every grant',
    async (mode) => {
      const [release, ns] = await Promise.all([
        createTestNamespace(kubeConfig, 'pt-rel'),
        createTestNamespace(kubeConfig, 'pt-rbac'),
      ]);
      const { objects, asOperator } = await chart.install(release, mode.values(ns));
      const roles = objects.filter((o) => o.kind.endsWith('Role')).map((o) => `${o.kind} ${o.metadata.namespace}`);
      expect(roles.sort()).toEqual([`${mode.rbac} ${mode.rbac === 'Role' ? ns : undefined}`, `Role ${release}`].sort());
      await waitForRbac(asOperator, ns);
      const record: RequestInfo[] = [];
      const operator = createParseableOperator({
        kubeConfig: asOperator,
        watchNamespaces: [ns],
        reconcileWaitMs: 1_000,
        leaderElection: { namespace: release, leaseName, retryPeriodMs: 500 },
        probes: false,
        metrics: false,
        logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
        onRequest: (info) => record.push(info),
      });
      const stop = new AbortController();
      const run = operator.start(stop.signal);
      try {
        // A distributed tenant: a StatefulSet with a retained data claim, then a Deployment.
        const tenant = example('parseable-distributed-s3.yaml', ns);
        await admin.apply(tenant);
        await waitFor(admin, types.claim, ns, 'ingestor-ingestor-staging');
        await waitFor(admin, types.statefulSet, ns, 'ingestor-ingestor');
        await markReady(types.statefulSet, ns, 'ingestor-ingestor');
        await waitFor(admin, types.deployment, ns, 'querier-querier');
        await markReady(types.deployment, ns, 'querier-querier');
        await eventually(async () => (await conditionOf(admin, ns, 'parseable', 'Ready'))?.status === 'True', 'Ready');

        // A change: a new image rolls the ingestors first; the querier waits for them (its RolloutBlocked Event
        // repeats, so the recorder patches a series), then follows.
        for (const k8s of tenant.spec.k8sConfig) k8s.image = 'parseable/parseable:v1.1.0';
        await admin.apply(tenant);
        await eventually(
          async () =>
            (
              await admin.list<KubeObject & { reason: string; series?: { count: number } }>(types.event, {
                namespace: ns,
              })
            ).items.some((e) => e.reason === 'RolloutBlocked' && (e.series?.count ?? 0) >= 2),
          'a repeated RolloutBlocked Event',
        );
        await markReady(types.statefulSet, ns, 'ingestor-ingestor');
        await eventually(
          async () =>
            (await read(admin, types.deployment, ns, 'querier-querier'))?.spec.template.spec.containers[0].image ===
            'parseable/parseable:v1.1.0',
          'the querier rolled',
        );

        // Pruning: the querier leaves and the ingestor node is renamed, so a Deployment and a StatefulSet (with their
        // Services and ConfigMaps) are no longer desired; the old data claim is retained.
        tenant.spec.nodes = tenant.spec.nodes
          .filter((n: { name: string }) => n.name !== 'querier')
          .map((n: { name: string }) => ({ ...n, name: 'ingest2' }));
        tenant.spec.deploymentOrder = ['ingest'];
        await admin.apply(tenant);
        await waitFor(admin, types.statefulSet, ns, 'ingestor-ingest2');
        await eventually(async () => !(await read(admin, types.statefulSet, ns, 'ingestor-ingestor')), 'STS pruned');
        await eventually(async () => !(await read(admin, types.deployment, ns, 'querier-querier')), 'querier pruned');
        expect(await read(admin, types.claim, ns, 'ingestor-ingestor-staging')).toBeDefined();

        // Deletion: no finalizer; the garbage collector removes the owned children.
        await admin.delete({ ...types.tenant, namespace: ns, name: 'parseable' });
        await eventually(async () => !(await read(admin, types.tenant, ns, 'parseable')), 'tenant deleted');
      } finally {
        stop.abort();
        await run;
      }

      // (a) Nothing the operator did was denied.
      expect(deniedRequests(record)).toEqual([]);
      // (b) Every grant was used, or is allowlisted (and every allowlist entry is still granted).
      const names = { [release]: '<release>', [ns]: '<watched>' };
      expect(unusedGrants(objects, record, names).filter((g) => !(withoutNamespace(g) in allowlist))).toEqual([]);
      const granted = grantsOf(objects).map((g) => withoutNamespace(namedGrant(g, names)));
      for (const grant of Object.keys(allowlist)) expect(granted).toContain(grant);
    },
    180_000,
  );

  it.each([
    {
      group: 'parseable.io',
      resource: 'parseabletenants/status',
      verb: 'patch',
      shown: 'parseabletenants.parseable.io/status',
      by: 'controller "parseabletenant" (writes status)',
    },
    {
      group: '',
      resource: 'persistentvolumeclaims',
      verb: 'create',
      shown: 'persistentvolumeclaims',
      by: 'controller "parseabletenant" (applies retained data claims)',
    },
  ])('without $verb $resource in the ClusterRole, the start-up fails naming exactly it', async (missing) => {
    const [release, ns] = await Promise.all([
      createTestNamespace(kubeConfig, 'pt-rel'),
      createTestNamespace(kubeConfig, 'pt-rbac'),
    ]);
    const rendered = await helmTemplate(chartDir, { name: release, namespace: release });
    clusterScoped.push(...(await applyRbac(admin, withoutGrant(rendered, missing))));
    const asOperator = await serviceAccountKubeConfig(kubeConfig, { namespace: release, name: release });
    await waitForRbac(asOperator, ns);
    const operator = createParseableOperator({
      kubeConfig: asOperator,
      watchNamespaces: [ns],
      leaderElection: { namespace: release, leaseName },
      probes: false,
      metrics: false,
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    const error = await operator.start(AbortSignal.timeout(60_000)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(MissingPermissionsError);
    const [resource, subresource] = missing.resource.split('/');
    expect((error as MissingPermissionsError).missing).toEqual([
      expect.objectContaining({
        verb: missing.verb,
        group: missing.group,
        resource,
        ...(subresource && { subresource }),
        namespace: ns,
      }),
    ]);
    expect((error as Error).message).toContain(
      `cannot "${missing.verb}" "${missing.shown}" in namespace "${ns}", needed by ${missing.by}`,
    );
  });
});
