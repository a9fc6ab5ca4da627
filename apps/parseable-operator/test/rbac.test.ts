/**
 * Least privilege, proven: the operator runs as exactly its chart's ServiceAccount through a realistic scenario
 * (a distributed tenant with its workloads and retained data claims, a blocked then finished rollout, pruning, and
 * deletion) while every Kubernetes request it makes is recorded. Then (a) nothing it did was denied, (b) every rule
 * the chart grants was used, or is in the allowlist below with the reason, and (c) a rule taken out of the chart makes
 * the start-up fail with a MissingPermissionsError naming exactly that permission.
 */
import { createClient, isForbidden, type KubeObject, type RequestInfo } from '@dsoi/client';
import { createTestNamespace, serviceAccountKubeConfig } from '@dsoi/envtest/testing';
import { createLogger, MissingPermissionsError } from '@dsoi/reconcile';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParseableOperator } from '../src/operator.ts';
import { renderChart } from './chart.ts';
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
  'parseable.io parseabletenants/finalizers update *':
    'blockOwnerDeletion on children (OwnerReferencesPermissionEnforcement)',
};

let admin: Awaited<ReturnType<typeof installParseableCrd>>;
const clusterScoped: { apiVersion: string; kind: string; name: string }[] = [];
beforeAll(async () => {
  admin = await installParseableCrd();
});
afterAll(async () => {
  for (const ref of clusterScoped) await admin.delete(ref).catch(() => {});
});

/** One permission as RBAC sees it: `group resource[/subresource] verb namespace|*`. */
type Grant = string;
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

/** Every (group, resource, verb) the chart grants: ClusterRole rules everywhere, Role rules in their namespace. */
function grantsOf(manifests: readonly any[]): Grant[] {
  return manifests.flatMap((m) => {
    if (m.kind !== 'ClusterRole' && m.kind !== 'Role') return [];
    const where = m.kind === 'Role' ? m.metadata.namespace : '*';
    return (m.rules as Rule[]).flatMap((rule) =>
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

/** Applies the chart's RBAC (not the Deployment) as `release`; returns a KubeConfig of its ServiceAccount. */
async function installRbac(manifests: readonly any[], release: string) {
  for (const manifest of manifests.filter((m) => m.kind !== 'Deployment')) {
    await admin.apply(manifest as KubeObject, { force: true });
    if (!manifest.metadata.namespace)
      clusterScoped.push({ apiVersion: manifest.apiVersion, kind: manifest.kind, name: manifest.metadata.name });
  }
  return serviceAccountKubeConfig(kubeConfig, { namespace: release, name: release });
}

/** Waits until the authorizer sees the new bindings (its cache lags a write by moments). */
async function rbacVisible(asOperator: KubeConfig, watched: string): Promise<void> {
  const client = createClient({ kubeConfig: asOperator, fieldManager: 'rbac-probe' });
  await eventually(
    () =>
      client.list(types.configMap, { namespace: watched }).then(
        () => true,
        (err) => !isForbidden(err),
      ),
    'the RBAC of the chart to reach the authorizer',
  );
}

/** The chart as release `release`, without `verb` on `group`/`resource` in its ClusterRole. */
function chartWithout(release: string, group: string, resource: string, verb: string) {
  return renderChart({ name: release, namespace: release }).map((m) => {
    if (m.kind !== 'ClusterRole') return m;
    const rules = (m.rules as Rule[]).flatMap((rule) => {
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

describe("the chart's RBAC", () => {
  it('is exactly enough: a whole scenario as its ServiceAccount is never denied and uses every grant', async () => {
    const [release, ns] = await Promise.all([
      createTestNamespace(kubeConfig, 'pt-rel'),
      createTestNamespace(kubeConfig, 'pt-rbac'),
    ]);
    const manifests = renderChart({ name: release, namespace: release });
    const asOperator = await installRbac(manifests, release);
    await rbacVisible(asOperator, ns);
    const record: RequestInfo[] = [];
    const operator = createParseableOperator({
      kubeConfig: asOperator,
      watchNamespaces: [ns],
      reconcileWaitMs: 1_000,
      leaderElection: { namespace: release, leaseName: release, retryPeriodMs: 500 },
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
    expect(
      record.filter((r) => r.code === 403).map((r) => `${r.verb} ${r.group}/${r.resource} ${r.namespace}`),
    ).toEqual([]);
    // (b) Every grant was used, or is allowlisted (and every allowlist entry is still granted).
    const named = (grant: Grant) => grant.replace(` ${release}`, ' <release>');
    const unused = grantsOf(manifests)
      .filter((g) => !isUsed(g, record))
      .map(named);
    expect(unused.filter((g) => !(g in allowlist))).toEqual([]);
    for (const grant of Object.keys(allowlist)) expect(grantsOf(manifests).map(named)).toContain(grant);
  }, 180_000);

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
    const asOperator = await installRbac(chartWithout(release, missing.group, missing.resource, missing.verb), release);
    await rbacVisible(asOperator, ns);
    const operator = createParseableOperator({
      kubeConfig: asOperator,
      watchNamespaces: [ns],
      leaderElection: { namespace: release, leaseName: release },
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
