/**
 * Least privilege, proven: real Helm installs the chart, and the operator runs with the token of the ServiceAccount
 * and the RBAC it created (cluster-wide, and with one watched namespace: Roles only) through a realistic scenario
 * (a cluster, a schema, a table and a tenant in a fake Pinot, changes, pruning, deletion through the finalizers) while
 * every Kubernetes request it makes is recorded. Then (a) nothing it did was denied, (b) every rule the chart grants
 * was used, or is in the allowlist below with the reason, and (c) a rule taken out of the chart makes the start-up
 * fail with a MissingPermissionsError naming exactly that permission.
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
} from '../../../tools/testing/chartRbac.js';
import { helmBinary, helmTemplate } from '../../../tools/testing/helm.js';
import { createPinotOperator } from '../src/operator.js';
import { startFakePinot } from './fakePinot.js';
import { minimalPinot, pinotSchemaCr, pinotTableCr, pinotTenantCr, schemaJson } from './fixtures.js';
import { exists, installPinotCrds, kubeConfig, read, types } from './harness.js';

/**
 * Grants no scenario can show in a request record, each with why the operator still needs it. Everything else the
 * chart grants must be used, so an unneeded grant fails this test.
 */
const allowlist: Record<string, string> = {
  // reconcileChildren sets blockOwnerDeletion on every child; the OwnerReferencesPermissionEnforcement admission
  // plugin (enabled on OpenShift, not in envtest) allows that only with update on the owner's finalizers.
  'datainfra.io pinots/finalizers update': 'blockOwnerDeletion on children (OwnerReferencesPermissionEnforcement)',
};

const chartDir = join(import.meta.dirname, '..', 'deploy', 'chart');
const chart = createChartInstaller(chartDir, kubeConfig);

let admin: Awaited<ReturnType<typeof installPinotCrds>>;
const clusterScoped: KubeObject[] = [];
beforeAll(async () => {
  await helmBinary(); // builds helm once when the cache has none
  admin = await installPinotCrds();
}, 1_800_000);
afterAll(async () => {
  await chart.uninstallAll();
  for (const object of clusterScoped) await admin.delete(object).catch(() => {});
});

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000, interval: 250 });

/** The minimal cluster plus a server StatefulSet, with basic auth. */
function threeNodeCluster(ns: string) {
  const cluster = minimalPinot(ns);
  cluster.spec.auth = { type: 'basic-auth', secretRef: { name: 'auth', namespace: ns } };
  cluster.spec.nodes.push({
    name: 'pinot-server',
    kind: 'Statefulset',
    replicas: 1,
    nodeType: 'server',
    k8sConfig: 'server',
    pinotNodeConfig: 'server',
  });
  cluster.spec.k8sConfig.push({
    name: 'server',
    image: 'apachepinot/pinot:latest',
    port: [{ name: 'server', containerPort: 8098 }],
    service: { type: 'ClusterIP', ports: [{ name: 'server', port: 8098, targetPort: 8098 }] },
  });
  cluster.spec.pinotNodeConfig.push({ name: 'server', java_opts: '-Xms256M', data: 'pinot.server.netty.port=8098' });
  return cluster;
}

describe("the chart's RBAC", () => {
  it.each([
    { mode: 'cluster-wide', values: () => ({}), rbac: 'ClusterRole' },
    { mode: 'watch-namespaces', values: (ns: string) => ({ watchNamespaces: [ns] }), rbac: 'Role' },
  ])(
    '$mode: a whole scenario as its ServiceAccount is never denied and uses every grant',
    async (mode) => {
      const [release, ns] = await Promise.all([
        createTestNamespace(kubeConfig, 'pinot-rel'),
        createTestNamespace(kubeConfig, 'pinot-rbac'),
      ]);
      const { objects, asOperator } = await chart.install(release, mode.values(ns));
      const roles = objects.filter((o) => o.kind.endsWith('Role')).map((o) => `${o.kind} ${o.metadata.namespace}`);
      expect(roles.sort()).toEqual([`${mode.rbac} ${mode.rbac === 'Role' ? ns : undefined}`, `Role ${release}`].sort());
      await waitForRbac(asOperator, ns);
      const pinot = await startFakePinot({ username: 'admin', password: 'pw' });
      // A flaky Pinot: the schema's first two creates fail, so its Warning repeats and the recorder patches a series.
      pinot.fail('POST', /^\/schemas$/, 500, { times: 2 });
      const record: RequestInfo[] = [];
      const operator = createPinotOperator({
        kubeConfig: asOperator,
        watchNamespaces: [ns],
        reconcileWaitMs: 1_000,
        controllerUrl: pinot.url,
        leaderElection: { namespace: release, leaseName: 'e8b13a47.datainfra.io', retryPeriodMs: 500 },
        probes: false,
        metrics: false,
        logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
        onRequest: (info) => record.push(info),
      });
      const stop = new AbortController();
      const run = operator.start(stop.signal);
      try {
        await admin.create({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'auth', namespace: ns },
          stringData: { CONTROL_PLANE_USERNAME: 'admin', CONTROL_PLANE_PASSWORD: 'pw' },
        });
        const cluster = threeNodeCluster(ns);
        await admin.create(cluster);
        await poll(() => exists(admin, types.statefulSet, ns, 'pinot-server-server')).toBe(true);
        await poll(() => exists(admin, types.deployment, ns, 'pinot-broker-broker')).toBe(true);

        // REST kinds: created in Pinot (the schema after two failures), each with its finalizer.
        await admin.create(pinotSchemaCr(ns));
        await admin.create(pinotTableCr(ns));
        await admin.create(pinotTenantCr(ns));
        const statusType = (type: { apiVersion: string; kind: string }, name: string) => async () =>
          (await read(admin, type, ns, name)).status?.type;
        await poll(statusType(types.schema, 'baseballstats')).toBe('PinotSchemaControllerCreateSuccess');
        await poll(statusType(types.table, 'baseballstats')).toBe('PinotTableControllerCreateSuccess');
        await poll(statusType(types.tenant, 'samplebrokertenant')).toBe('PinotTenantControllerCreateSuccess');
        await poll(async () =>
          (await admin.list<KubeObject & { series?: { count: number } }>(types.event, { namespace: ns })).items.some(
            (e) => (e.series?.count ?? 0) >= 2,
          ),
        ).toBe(true);

        // Changes: a new schema version goes to Pinot; two nodes leave the cluster and their children are pruned.
        const schema = await read(admin, types.schema, ns, 'baseballstats');
        const newSchema = schemaJson.replace('"runs"', '"homeRuns"');
        await admin.patch(schema, { type: 'merge', body: { spec: { 'schema.json': newSchema } } });
        await poll(statusType(types.schema, 'baseballstats')).toBe('PinotSchemaControllerUpdateSuccess');
        const live = await read(admin, types.pinot, ns, 'pinot-simple');
        const nodes = live.spec.nodes.filter((n: { nodeType: string }) => n.nodeType === 'controller');
        await admin.patch(live, { type: 'merge', body: { spec: { nodes } } });
        await poll(() => exists(admin, types.statefulSet, ns, 'pinot-server-server')).toBe(false);
        await poll(() => exists(admin, types.deployment, ns, 'pinot-broker-broker')).toBe(false);
        await poll(() => exists(admin, types.service, ns, 'pinot-broker-broker-svc')).toBe(false);

        // Deletion: each finalizer goes once Pinot confirmed the delete.
        await admin.delete({ ...types.table, namespace: ns, name: 'baseballstats' });
        await admin.delete({ ...types.tenant, namespace: ns, name: 'samplebrokertenant' });
        await admin.delete({ ...types.schema, namespace: ns, name: 'baseballstats' });
        await poll(() => exists(admin, types.table, ns, 'baseballstats')).toBe(false);
        await poll(() => exists(admin, types.tenant, ns, 'samplebrokertenant')).toBe(false);
        await poll(() => exists(admin, types.schema, ns, 'baseballstats')).toBe(false);
        expect([pinot.schemas.size, pinot.tables.size, pinot.tenants.size]).toEqual([0, 0, 0]);
        await admin.delete({ ...types.pinot, namespace: ns, name: 'pinot-simple' });
        await poll(() => exists(admin, types.pinot, ns, 'pinot-simple')).toBe(false);
      } finally {
        stop.abort();
        await run;
        await pinot.close();
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
    { group: 'apps', resource: 'statefulsets', verb: 'list', shown: 'statefulsets.apps', by: 'controller "pinot"' },
    {
      group: 'datainfra.io',
      resource: 'pinots/status',
      verb: 'patch',
      shown: 'pinots.datainfra.io/status',
      by: 'controller "pinot" (writes status)',
    },
    { group: '', resource: 'secrets', verb: 'get', shown: 'secrets', by: 'controller "pinotschema" (reads the auth' },
  ])('without $verb $resource in the ClusterRole, the start-up fails naming exactly it', async (missing) => {
    const [release, ns] = await Promise.all([
      createTestNamespace(kubeConfig, 'pinot-rel'),
      createTestNamespace(kubeConfig, 'pinot-rbac'),
    ]);
    const rendered = await helmTemplate(chartDir, { name: release, namespace: release });
    clusterScoped.push(...(await applyRbac(admin, withoutGrant(rendered, missing))));
    const asOperator = await serviceAccountKubeConfig(kubeConfig, { namespace: release, name: release });
    await waitForRbac(asOperator, ns);
    const operator = createPinotOperator({
      kubeConfig: asOperator,
      watchNamespaces: [ns],
      controllerUrl: 'http://127.0.0.1:1',
      leaderElection: { namespace: release, leaseName: 'e8b13a47.datainfra.io' },
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
