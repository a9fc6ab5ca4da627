/**
 * Least privilege, proven with the shared chart RBAC suite (tools/testing): real Helm installs the chart, and the
 * operator runs with the token of the ServiceAccount and the RBAC it created through a realistic scenario (a
 * distributed tenant with its workloads and retained data claims, a blocked then finished rollout, pruning, and
 * deletion) while every Kubernetes request it makes is recorded: nothing is denied, every grant is used or
 * allowlisted below, and a grant taken out of the chart fails the start-up naming exactly it.
 */
import { join } from 'node:path';
import { describeChartRbac } from '@dsoi/chart-testing';
import type { Client, KubeObject } from '@dsoi/client';
import { expect } from 'vitest';
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

async function scenario(admin: Client, ns: string): Promise<void> {
  // A distributed tenant: a StatefulSet with a retained data claim, then a Deployment.
  const tenant = example('parseable-distributed-s3.yaml', ns);
  // A password in the config, as the Go samples have it: it goes to an owned Secret (created, then pruned below).
  tenant.spec.parseableConfig[0].env.P_PASSWORD = 'not-in-a-configmap';
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
}

describeChartRbac({
  chartDir: join(import.meta.dirname, '..', 'deploy', 'chart'),
  kubeConfig,
  installCrds: installParseableCrd,
  // parseableOperatorDefaults.leaderElectionId, in the release namespace.
  leaseName: '56004781.parseable.io',
  namespacePrefix: 'pt',
  startOperator: (options, signal) =>
    // The secure-metrics case passes `metrics` and `metricsAuth`; the others run without a metrics server.
    createParseableOperator({ reconcileWaitMs: 1_000, probes: false, metrics: false, ...options }).start(signal),
  scenario,
  allowlist: {
    // reconcileChildren sets blockOwnerDeletion on every child; the OwnerReferencesPermissionEnforcement admission
    // plugin (enabled on OpenShift, not in envtest) allows that only with update on the owner's finalizers.
    'parseable.io parseabletenants/finalizers update':
      'blockOwnerDeletion on children (OwnerReferencesPermissionEnforcement)',
    // updateStatus reads the object fresh only after a status write is refused as a conflict: a race, not every run.
    'parseable.io parseabletenants get': 'fresh read after a status conflict (updateStatus)',
  },
  missing: [
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
  ],
});
