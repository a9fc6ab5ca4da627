/**
 * Least privilege, proven: the operator runs as exactly its chart's ServiceAccount through a realistic scenario
 * (a cluster, a schema, a table and a tenant in a fake Pinot, changes, pruning, deletion through the finalizers) while
 * every Kubernetes request it makes is recorded. Then (a) nothing it did was denied, (b) every rule the chart grants
 * was used, or is in the allowlist below with the reason, and (c) a rule taken out of the chart makes the start-up
 * fail with a MissingPermissionsError naming exactly that permission.
 */
import { createClient, isForbidden, type KubeObject, type RequestInfo } from '@dsoi/client';
import { createTestNamespace, serviceAccountKubeConfig } from '@dsoi/envtest/testing';
import { createLogger, MissingPermissionsError } from '@dsoi/reconcile';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinotOperator } from '../src/operator.js';
import { startFakePinot } from './fakePinot.js';
import { minimalPinot, pinotSchemaCr, pinotTableCr, pinotTenantCr, schemaJson } from './fixtures.js';
import { exists, installPinotCrds, kubeConfig, read, types } from './harness.js';
import { renderChart } from './renderChart.js';

/**
 * Grants no scenario can show in a request record, each with why the operator still needs it. Everything else the
 * chart grants must be used, so an unneeded grant fails this test.
 */
const allowlist: Record<string, string> = {
  // reconcileChildren sets blockOwnerDeletion on every child; the OwnerReferencesPermissionEnforcement admission
  // plugin (enabled on OpenShift, not in envtest) allows that only with update on the owner's finalizers.
  'datainfra.io pinots/finalizers update *': 'blockOwnerDeletion on children (OwnerReferencesPermissionEnforcement)',
};

let admin: Awaited<ReturnType<typeof installPinotCrds>>;
const clusterScoped: { apiVersion: string; kind: string; name: string }[] = [];
beforeAll(async () => {
  admin = await installPinotCrds();
});
afterAll(async () => {
  for (const ref of clusterScoped) await admin.delete(ref).catch(() => {});
});

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000, interval: 250 });

/** One permission as RBAC sees it: `group resource[/subresource] verb namespace|*`. */
type Grant = string;

/** Every (group, resource, verb) the chart grants: ClusterRole rules everywhere, Role rules in their namespace. */
function grantsOf(manifests: readonly Record<string, any>[]): Grant[] {
  return manifests.flatMap((m) => {
    if (m.kind !== 'ClusterRole' && m.kind !== 'Role') return [];
    const where = m.kind === 'Role' ? m.metadata.namespace : '*';
    return (m.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]).flatMap((rule) =>
      rule.apiGroups.flatMap((group) =>
        rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${group} ${resource} ${verb} ${where}`)),
      ),
    );
  });
}

/**
 * The permissions a recorded request exercised. A server-side apply that answered 201 created the object, which the
 * API server authorizes as `create` besides `patch`. Discovery needs no RBAC; access reviews are every user's.
 */
function usesOf(info: RequestInfo): { group: string; resource: string; verb: string; namespace?: string }[] {
  if (info.resource === '' || info.resource === 'selfsubjectaccessreviews') return [];
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const use = { group: info.group, resource, namespace: info.namespace };
  return [
    { ...use, verb: info.verb },
    ...(info.operation === 'apply' && info.code === 201 ? [{ ...use, verb: 'create' }] : []),
  ];
}

function isUsed(grant: Grant, record: readonly RequestInfo[]): boolean {
  const [group, resource, verb, where] = grant.split(' ');
  return record.some((info) =>
    usesOf(info).some(
      (u) =>
        u.group === group && u.resource === resource && u.verb === verb && (where === '*' || u.namespace === where),
    ),
  );
}

/** Applies the chart's RBAC (not the Deployment) as `release` in `namespace`; returns a KubeConfig of its account. */
async function installRbac(manifests: readonly Record<string, any>[], release: string, namespace: string) {
  for (const manifest of manifests.filter((m) => m.kind !== 'Deployment')) {
    await admin.apply(manifest as KubeObject, { force: true });
    if (!manifest.metadata.namespace)
      clusterScoped.push({ apiVersion: manifest.apiVersion, kind: manifest.kind, name: manifest.metadata.name });
  }
  return serviceAccountKubeConfig(kubeConfig, { namespace, name: release });
}

/** Waits until the authorizer sees the new bindings (its cache lags a write by moments). */
async function rbacVisible(asOperator: KubeConfig, watched: string): Promise<void> {
  const client = createClient({ kubeConfig: asOperator, fieldManager: 'rbac-probe' });
  await poll(() =>
    client.list(types.configMap, { namespace: watched }).then(
      () => true,
      (err) => !isForbidden(err),
    ),
  ).toBe(true);
}

/** The chart as release `release` in `namespace`, without `verb` on `group`/`resource` in its ClusterRole. */
function chartWithout(release: string, namespace: string, group: string, resource: string, verb: string) {
  return renderChart({ name: release, namespace }).map((m) => {
    if (m.kind !== 'ClusterRole') return m;
    const rules = (m.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]).flatMap((rule) => {
      if (!rule.apiGroups.includes(group) || !rule.resources.includes(resource)) return [rule];
      const others = rule.resources.filter((r) => r !== resource);
      const verbs = rule.verbs.filter((v) => v !== verb);
      return [
        ...(others.length > 0 ? [{ ...rule, resources: others }] : []),
        ...(verbs.length > 0 ? [{ apiGroups: [group], resources: [resource], verbs }] : []),
      ];
    });
    return { ...m, rules };
  });
}

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
  it('is exactly enough: a whole scenario as its ServiceAccount is never denied and uses every grant', async () => {
    const [release, ns] = await Promise.all([
      createTestNamespace(kubeConfig, 'pinot-rel'),
      createTestNamespace(kubeConfig, 'pinot-rbac'),
    ]);
    const manifests = renderChart({ name: release, namespace: release });
    const asOperator = await installRbac(manifests, release, release);
    await rbacVisible(asOperator, ns);
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
    expect(
      record.filter((r) => r.code === 403).map((r) => `${r.verb} ${r.group}/${r.resource} ${r.namespace}`),
    ).toEqual([]);
    // (b) Every grant was used, or is allowlisted (and every allowlist entry is still granted).
    const grants = grantsOf(manifests).map((g) => g.replace(` ${release}`, ' <release>'));
    const unused = grantsOf(manifests)
      .filter((g) => !isUsed(g, record))
      .map((g) => g.replace(` ${release}`, ' <release>'));
    expect(unused.filter((g) => !(g in allowlist))).toEqual([]);
    for (const grant of Object.keys(allowlist)) expect(grants).toContain(grant);
  }, 180_000);

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
    const asOperator = await installRbac(
      chartWithout(release, release, missing.group, missing.resource, missing.verb),
      release,
      release,
    );
    await rbacVisible(asOperator, ns);
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
