/**
 * The demo: starts a local control plane (@dsoi/envtest), installs the Pinot CRDs, runs the operator against it,
 * applies examples/pinot-basic.yaml, prints the children the operator created and the Events it recorded, then
 * changes the server config to show a rollout that touches only that node, and stops.
 * With KUBECONFIG set, it uses that cluster instead: it applies the CRDs and the sample, shows what the operator
 * created, and leaves the sample running (delete its namespace to clean up).
 * Run: `npm run demo` in apps/pinot-operator (Node 24; the @dsoi packages must be built).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, createClient } from '@dsoi/client';
import { startControlPlane } from '@dsoi/envtest';
import { markWorkloadReady } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import { createLogger } from '@dsoi/reconcile';
import { startTestOperator } from '@dsoi/reconcile/testing';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { pinotCrds } from './api/crds.ts';
import { createPinotOperator } from './operator.ts';

/** The fields of the objects the demo prints. */
interface AnyObject extends KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly generation?: number;
    readonly ownerReferences?: readonly { readonly kind: string }[];
  };
  readonly spec: {
    readonly replicas?: number;
    readonly ports?: readonly { readonly port: number }[];
    readonly template: { readonly spec: { readonly containers: readonly { readonly image: string }[] } };
    readonly pinotNodeConfig: { name: string; data: string }[];
  };
  readonly data?: Record<string, string>;
  readonly status?: {
    readonly conditions?: readonly { type: string; status: string; reason: string; message: string }[];
  };
  readonly type: string;
  readonly reason: string;
  readonly note: string;
  readonly eventTime?: string;
  readonly regarding?: { readonly kind: string };
}
const example = join(import.meta.dirname, '..', 'examples', 'pinot-basic.yaml');
const kinds = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
];

async function waitFor<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function children(client: Client, namespace: string): Promise<AnyObject[]> {
  const lists = await Promise.all(kinds.map((type) => client.list<AnyObject>(type, { namespace })));
  return lists
    .flatMap((list) => list.items)
    .filter((o) => o.metadata?.ownerReferences?.some((r: { kind: string }) => r.kind === 'Pinot'));
}

function printChildren(objects: readonly AnyObject[]): void {
  for (const o of objects) {
    const extra =
      o.kind === 'StatefulSet' || o.kind === 'Deployment'
        ? `generation ${o.metadata.generation}, image ${o.spec.template.spec.containers[0]?.image}`
        : o.kind === 'ConfigMap'
          ? `keys ${Object.keys(o.data ?? {}).join(', ')}`
          : `ports ${(o.spec.ports ?? []).map((p: { port: number }) => p.port).join(', ')}`;
    console.log(`  ${o.kind.padEnd(12)} ${o.metadata.name.padEnd(34)} ${extra}`);
  }
}

async function printEvents(client: Client, namespace: string, since: number): Promise<number> {
  const events = (await client.list<AnyObject>({ apiVersion: 'events.k8s.io/v1', kind: 'Event' }, { namespace })).items
    .filter((e) => e.regarding?.kind === 'Pinot')
    .sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
  for (const e of events.slice(since)) console.log(`  ${e.type.padEnd(7)} ${e.reason.padEnd(15)} ${e.note}`);
  return events.length;
}

/** The cluster in KUBECONFIG, with the CRDs applied, or a fresh local control plane. */
async function cluster(): Promise<{ kubeConfig: KubeConfig; local: boolean; stop: () => Promise<void> }> {
  if (process.env.KUBECONFIG) {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromDefault();
    console.log(
      `Using the cluster of KUBECONFIG (context ${kubeConfig.getCurrentContext()}); applying the Pinot CRDs...`,
    );
    const admin = createClient({ kubeConfig, fieldManager: 'pinot-operator-demo' });
    for (const crd of pinotCrds()) await admin.apply(crd, { force: true });
    await sleep(3_000); // let the API server establish the CRDs
    admin.close();
    return { kubeConfig, local: false, stop: async () => {} };
  }
  console.log('Starting a local control plane (etcd + kube-apiserver)...');
  const plane = await startControlPlane({ crds: pinotCrds().map((crd) => ({ ...crd })) });
  return { kubeConfig: plane.kubeConfig, local: true, stop: () => plane.stop() };
}

const plane = await cluster();
let operator: ReturnType<typeof startTestOperator> | undefined;
try {
  const client = createClient({ kubeConfig: plane.kubeConfig, fieldManager: 'demo' });
  // Probes and metrics off; logs at LOG_LEVEL.
  operator = startTestOperator(createPinotOperator, {
    kubeConfig: plane.kubeConfig,
    reconcileWaitMs: 2_000,
    logger: createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }),
  });
  const pinot = parse(readFileSync(example, 'utf8')) as AnyObject;
  const namespace = pinot.metadata.namespace as string;
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await client.apply(pinot, { force: true });
  console.log(`Applied ${example} (Pinot ${namespace}/${pinot.metadata.name}); the operator creates its children...\n`);
  const created = await waitFor('12 children', async () => {
    const found = await children(client, namespace);
    return found.length >= 12 ? found : undefined;
  });
  console.log('Children (ConfigMap, Service and StatefulSet per node, owned by the Pinot CR):');
  printChildren(created);
  console.log('\nEvents on the Pinot CR:');
  await sleep(1_500);
  let seen = await printEvents(client, namespace, 0);
  const status = (await client.get<AnyObject>({ ...pinot, apiVersion: pinot.apiVersion!, kind: pinot.kind! })).status;
  const conditions = (status?.conditions ?? []) as { type: string; status: string; reason: string; message: string }[];
  console.log('\nStatus conditions (no kubelet here: nothing reports the pods ready yet):');
  for (const c of conditions) console.log(`  ${c.type.padEnd(12)} ${c.status.padEnd(6)} ${c.reason}: ${c.message}`);

  if (!plane.local) {
    console.log(`\nLeaving the sample running on your cluster: \`kubectl delete namespace ${namespace}\` removes it.`);
  } else {
    console.log('\nSimulating the StatefulSet controller and kubelets: every StatefulSet reports its pods ready...');
    for (const sts of created.filter((o) => o.kind === 'StatefulSet')) {
      // What the StatefulSet controller and kubelets would report once every pod is ready (there are none here).
      await markWorkloadReady(plane.kubeConfig, { kind: 'StatefulSet', namespace, name: sts.metadata.name });
    }
    await waitFor('the cluster to be Ready', async () => {
      const pinotNow = await client.get<AnyObject>({
        apiVersion: pinot.apiVersion!,
        kind: pinot.kind!,
        namespace,
        name: pinot.metadata.name!,
      });
      return pinotNow.status?.conditions?.some(
        (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
      )
        ? true
        : undefined;
    });
    console.log('  Ready True: every node is ready');

    console.log('\nChanging the server config (pinotNodeConfig "server")...');
    const live = await client.get<AnyObject>({
      apiVersion: pinot.apiVersion!,
      kind: pinot.kind!,
      namespace,
      name: pinot.metadata.name!,
    });
    const spec = structuredClone(live.spec);
    const server = spec.pinotNodeConfig.find((p) => p.name === 'server')!;
    server.data = `${server.data}\npinot.server.query.executor.timeout=60000`;
    await client.patch(live, { type: 'merge', body: { spec: { pinotNodeConfig: spec.pinotNodeConfig } } });
    await waitFor('the server StatefulSet to roll', async () => {
      const sts = await client.get<AnyObject>({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        namespace,
        name: 'pinot-server-server',
      });
      return sts.metadata?.generation === 2 ? sts : undefined;
    });
    await sleep(1_000);
    console.log('Only the server ConfigMap and StatefulSet changed (generation 2); the others stay at generation 1:');
    printChildren((await children(client, namespace)).filter((o) => o.kind === 'StatefulSet'));
    console.log('\nNew events:');
    seen = await printEvents(client, namespace, seen);
  }
  console.log('\nDone: stopping the operator and the control plane.');
} finally {
  await operator?.stop();
  if (operator?.ended()?.startsWith('rejected')) console.error(operator.ended());
  await plane.stop();
}
