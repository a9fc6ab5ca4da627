/**
 * A demo of the Parseable operator, no cluster needed: starts a local control plane (@dsoi/envtest), installs the
 * CRD, runs the operator, applies a sample ParseableTenant (default: examples/parseable-distributed-s3.yaml, or the
 * file given as argument), simulates the workloads becoming ready, prints the children, the tenant's conditions and
 * its Events, and stops. Run: `npm run demo [-- examples/parseable-persistent.yaml]` (Node 24).
 */

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createClient } from '@dsoi/client';
import { startControlPlane } from '@dsoi/envtest';
import type { KubeObject } from '@dsoi/object';
import { createLogger } from '@dsoi/reconcile';
import { startTestOperator } from '@dsoi/reconcile/testing';
import { loadYaml } from '@kubernetes/client-node';
import { parseableTenantCrd } from './api/crds.ts';
import { createParseableOperator } from './operator.ts';
import { tenantOwnedKinds } from './tenant/tenantReconciler.ts';

const namespace = 'parseable';
const file = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'examples', 'parseable-distributed-s3.yaml'));
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

type Child = KubeObject & { metadata: { name: string; labels?: Record<string, string> }; spec?: { replicas?: number } };

console.log('starting a local control plane (etcd + kube-apiserver)...');
const plane = await startControlPlane({ crds: [{ ...parseableTenantCrd() }] });
let operator: ReturnType<typeof startTestOperator> | undefined;
try {
  const admin = createClient({ kubeConfig: plane.kubeConfig, fieldManager: 'demo' });
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  // RECONCILE_WAIT 1 s, probes and metrics off; logs at LOG_LEVEL.
  operator = startTestOperator(createParseableOperator, {
    kubeConfig: plane.kubeConfig,
    logger: createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }),
  });

  const tenant = loadYaml<KubeObject & { metadata: { name: string } }>(readFileSync(file, 'utf8'));
  tenant.metadata = { ...tenant.metadata, namespace };
  await admin.apply(tenant);
  console.log(`applied ParseableTenant ${namespace}/${tenant.metadata.name} from ${file}\n`);
  await sleep(3_000);

  // No kubelet here: play the workload controllers and report every workload ready, as a cluster would.
  for (const kind of tenantOwnedKinds.filter((k) => k.apiVersion === 'apps/v1')) {
    for (const workload of (await admin.list<Child>(kind, { namespace })).items) {
      const replicas = workload.spec?.replicas ?? 1;
      const generation = (workload.metadata as { generation?: number }).generation;
      const common = {
        observedGeneration: generation,
        replicas,
        readyReplicas: replicas,
        updatedReplicas: replicas,
        availableReplicas: replicas,
      };
      const status =
        kind.kind === 'StatefulSet'
          ? { ...common, currentReplicas: replicas, currentRevision: 'r1', updateRevision: 'r1' }
          : common;
      await admin.patchStatus(
        { ...kind, namespace, name: workload.metadata.name },
        { type: 'merge', body: { status } },
      );
    }
  }
  await sleep(2_000);

  console.log('children:');
  for (const kind of [...tenantOwnedKinds, { apiVersion: 'v1', kind: 'PersistentVolumeClaim' }]) {
    for (const child of (await admin.list<Child>(kind, { namespace })).items) {
      const owned = (child.metadata as { ownerReferences?: unknown[] }).ownerReferences?.length
        ? 'owned'
        : 'not owned (retained data)';
      console.log(`  ${kind.kind.padEnd(22)} ${child.metadata.name.padEnd(40)} ${owned}`);
    }
  }
  const live = await admin.get<
    KubeObject & { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } }
  >({
    apiVersion: tenant.apiVersion!,
    kind: tenant.kind!,
    namespace,
    name: tenant.metadata.name,
  });
  console.log('\nconditions:');
  for (const c of live.status?.conditions ?? []) console.log(`  ${c.type}=${c.status} (${c.reason}): ${c.message}`);
  const events = await admin.list<KubeObject & { type: string; reason: string; note?: string }>(
    { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
    { namespace },
  );
  console.log('\nevents:');
  for (const e of events.items) console.log(`  ${e.type.padEnd(8)} ${e.reason.padEnd(16)} ${e.note ?? ''}`);
} finally {
  await operator?.stop();
  await plane.stop();
  console.log('\nstopped the operator and the control plane');
  if (operator?.ended()?.startsWith('rejected')) {
    console.error(`the operator failed: ${operator.ended()}`);
    process.exitCode = 1;
  }
}
