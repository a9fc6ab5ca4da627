/**
 * What the Parseable fault suites share (test/faults.test.ts on the run's control plane, test/faults.plane.test.ts on
 * one of its own): the operator as a fault scenario runs it, tenants made and changed, and "every tenant converged".
 */
import { ownedChildrenProblems, scenarioOperator, waitUntil, withFaultScenario } from '@dsoi/chart-testing';
import type { Client, KubeObject } from '@dsoi/client';
import type { KubeConfig } from '@kubernetes/client-node';
import { createParseableOperator, parseableTenantType } from '../src/operator.ts';
import { desiredTenantChildren, type TenantOwner } from '../src/tenant/desiredChildren.ts';
import { tenantOwnedKinds } from '../src/tenant/tenantReconciler.ts';
import { example, patchSpec, types } from './harness.ts';

type Scenario = Parameters<typeof withFaultScenario>[0];
type Body = Parameters<typeof withFaultScenario>[1];

/** Runs `body` with the operator behind a fault proxy of the API server of `kubeConfig` (see `scenarioOperator`). */
export function withParseableScenario(
  kubeConfig: KubeConfig,
  prefix: string,
  body: Body,
  simulator: Scenario['simulator'] = {},
) {
  return withFaultScenario(
    { kubeConfig, prefix, simulator, startOperator: scenarioOperator(createParseableOperator) },
    body,
  );
}

export const names = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
const ownedKinds = new Set(tenantOwnedKinds.map((t) => t.kind));

/** The controlled children a live tenant should have (retained data claims are not controlled). */
const desiredKeys = (cr: KubeObject) =>
  desiredTenantChildren(cr as unknown as TenantOwner)
    .children.filter(({ object, ownership }) => ownership !== 'retained' && ownedKinds.has(object.kind ?? ''))
    .map(({ object }) => `${object.kind}/${object.metadata?.name}`);

/** A tenant of the multi-node example; node names carry the tenant's, as child names derive from them. */
function tenantOf(namespace: string, name: string) {
  const tenant = example('parseable-multi-nodes.yaml', namespace, name);
  for (const node of tenant.spec.nodes) node.name = `${name}-${node.name}`;
  return tenant;
}

/** Creates the tenants one after the other (so tenants share a namespace). */
export async function createTenants(admin: Client, namespace: string, tenants: readonly string[]) {
  for (const name of tenants) await admin.create(tenantOf(namespace, name));
}

/** Sets a new image tag on every node group of a tenant (rolls its workloads). */
export async function setImage(admin: Client, namespace: string, name: string, tag: string) {
  const live = await admin.get<KubeObject & { spec: { k8sConfig: { image: string }[] } }>({
    ...types.tenant,
    namespace,
    name,
  });
  const k8sConfig = live.spec.k8sConfig.map((k) => ({ ...k, image: k.image.replace(/:[^:]*$/, `:${tag}`) }));
  await patchSpec(admin, namespace, name, { k8sConfig });
}

/** What keeps each tenant from having converged: status current and Ready, exactly its children, each once. */
export async function convergenceProblems(
  admin: Client,
  namespace: string,
  tenants: readonly string[],
): Promise<string[]> {
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

/** Waits until every tenant converged; the error lists what is still wrong. */
export async function waitForConvergence(
  admin: Client,
  namespace: string,
  tenants: readonly string[],
  timeoutMs = 90_000,
) {
  let last: string[] = [];
  await waitUntil(
    'every tenant converged',
    async () => {
      last = await convergenceProblems(admin, namespace, tenants).catch((err: Error) => [err.message]);
      return last.length === 0;
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}:\n  ${last.join('\n  ')}`);
  });
}
