/**
 * The library's DSOI reconciler against a real API server, on a small DSOI-shaped fixture (a Widget with nodes, Kubernetes
 * config groups and a deploymentOrder): valid specs converge in rollout order and report Ready; a spec the schema or
 * the mapping refuses gets a Warning Event and a Degraded condition naming the field, and converges once fixed.
 */

import { type Client, createClient } from '@dsoi/client';
import { createTestNamespace, installCrds, markWorkloadReady, testKubeConfig } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDsoiReconciler, InvalidSpecError, nodeReferenceProblems } from '../src/dsoi/index.js';
import type { ReconcileFunction } from '../src/index.js';
import { startOperator } from './fixtures/operator.js';
import type { Widget } from './fixtures/widget.js';
import { configMapType, statefulSetType, widgetCrd, widgetType } from './fixtures/widget.js';

const kubeConfig = testKubeConfig();
let admin: Client;

beforeAll(async () => {
  await installCrds(kubeConfig, [widgetCrd]);
  admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
});

/** The DSOI shape in miniature: nodes name a Kubernetes config group and a type listed in deploymentOrder. */
const specSchema = z.object({
  deploymentOrder: z.array(z.string()),
  k8sConfig: z.array(z.object({ name: z.string(), image: z.string() })),
  nodes: z.array(z.object({ name: z.string(), type: z.string(), k8sConfig: z.string(), replicas: z.int().min(0) })),
});
type DsoiWidgetSpec = z.infer<typeof specSchema>;
/** Objects from the cache always carry their kind. */
type DsoiWidget = Widget & { readonly apiVersion: string; readonly kind: string };

/** The app's mapping: one StatefulSet and one ConfigMap per node, the StatefulSets in deploymentOrder. */
function desired(widget: DsoiWidget, spec: DsoiWidgetSpec) {
  const problems = nodeReferenceProblems(spec, { typeField: 'type', groupFields: ['k8sConfig'], unique: true });
  if (problems.length > 0) throw new InvalidSpecError(problems);
  const { name, namespace } = widget.metadata;
  const nodeOfWorkload = new Map<string, string>();
  const children = spec.nodes.flatMap((node) => {
    const image = spec.k8sConfig.find((k) => k.name === node.k8sConfig)!.image;
    const labels = { widget: name, node: node.name };
    const workload = `${name}-${node.name}`;
    nodeOfWorkload.set(workload, node.name);
    return [
      { object: { ...configMapType, metadata: { name: workload, namespace, labels }, data: { image } } },
      {
        rolloutStep: spec.deploymentOrder.indexOf(node.type),
        object: {
          ...statefulSetType,
          metadata: { name: workload, namespace, labels },
          spec: {
            replicas: node.replicas,
            serviceName: workload,
            selector: { matchLabels: labels },
            template: { metadata: { labels }, spec: { containers: [{ name: 'main', image }] } },
          },
        },
      },
    ];
  });
  return { children, nodeOfWorkload };
}

function dsoiWidget(namespace: string, name: string, spec: Record<string, unknown>) {
  return { ...widgetType, metadata: { name, namespace }, spec };
}

const validSpec = {
  deploymentOrder: ['coordinator', 'worker'],
  k8sConfig: [{ name: 'main', image: 'example/app:1' }],
  nodes: [
    { name: 'workers', type: 'worker', k8sConfig: 'main', replicas: 1 },
    { name: 'coord', type: 'coordinator', k8sConfig: 'main', replicas: 1 },
  ],
};

type Condition = { type: string; status: string; reason: string; message: string };
type LiveWidget = KubeObject & {
  metadata: { generation: number };
  status?: { observedGeneration?: number; conditions?: Condition[]; waitingOn?: string };
};

async function condition(namespace: string, name: string, type: string) {
  const live = await admin.get<LiveWidget>({ ...widgetType, namespace, name });
  return live.status?.conditions?.find((c) => c.type === type);
}

/** A Widget operator on the DSOI reconciler, watching one namespace (other test files' Widgets are not ours). */
async function startDsoiOperator(namespace: string) {
  let reconcile: ReconcileFunction<DsoiWidget> | undefined;
  const op = await startOperator(
    (context) => reconcile!(context as typeof context & { object: DsoiWidget | undefined }),
    { namespace },
  );
  reconcile = createDsoiReconciler<DsoiWidget, DsoiWidgetSpec>({
    spec: specSchema,
    desired,
    client: op.manager.client,
    recorder: op.manager.recorder,
    requeueAfterMs: 60_000,
  });
  return op;
}

describe('createDsoiReconciler against a real API server', () => {
  it('rolls out in deploymentOrder, names the node it waits on, and reports Ready once every workload is', async () => {
    const ns = await createTestNamespace(kubeConfig, 'dsoi');
    const op = await startDsoiOperator(ns);
    try {
      await admin.create(dsoiWidget(ns, 'w', validSpec));
      const sts = (name: string) => admin.get({ ...statefulSetType, namespace: ns, name }).catch(() => undefined);
      // Both are created at once (a create never waits); the status names the first node in deploymentOrder.
      await expect
        .poll(async () => Boolean((await sts('w-coord')) && (await sts('w-workers'))), { timeout: 20_000 })
        .toBe(true);
      await expect
        .poll(
          async () => (await admin.get<LiveWidget>({ ...widgetType, namespace: ns, name: 'w' })).status?.waitingOn,
          {
            timeout: 20_000,
          },
        )
        .toMatch(/^node coord \(w-coord\): /);
      expect((await condition(ns, 'w', 'Ready'))?.status).toBe('False');
      await markWorkloadReady(kubeConfig, { kind: 'StatefulSet', namespace: ns, name: 'w-coord' });
      await markWorkloadReady(kubeConfig, { kind: 'StatefulSet', namespace: ns, name: 'w-workers' });
      await expect.poll(async () => (await condition(ns, 'w', 'Ready'))?.status, { timeout: 30_000 }).toBe('True');
      const live = await admin.get<LiveWidget>({ ...widgetType, namespace: ns, name: 'w' });
      expect(live.status?.observedGeneration).toBe(live.metadata.generation);
      expect(live.status?.waitingOn).toBeUndefined();
      expect((await condition(ns, 'w', 'Degraded'))?.status).toBe('False');
    } finally {
      await op.stop();
    }
  });

  it('reports a spec the schema or the mapping refuses by field (Warning Event, Degraded), then converges once fixed', async () => {
    const ns = await createTestNamespace(kubeConfig, 'dsoi-bad');
    const op = await startDsoiOperator(ns);
    try {
      await admin.create(dsoiWidget(ns, 'bad', { ...validSpec, nodes: [{ ...validSpec.nodes[0], replicas: 'many' }] }));
      await admin.create(
        dsoiWidget(ns, 'dangling', { ...validSpec, nodes: [{ ...validSpec.nodes[0], k8sConfig: 'missing' }] }),
      );
      await expect
        .poll(async () => (await condition(ns, 'bad', 'Degraded'))?.message, { timeout: 20_000 })
        .toContain('spec.nodes[0].replicas');
      await expect
        .poll(async () => (await condition(ns, 'dangling', 'Degraded'))?.message, { timeout: 20_000 })
        .toContain('spec.nodes[0].k8sConfig: node workers: no spec.k8sConfig entry named "missing"');
      expect((await condition(ns, 'dangling', 'Ready'))?.reason).toBe('InvalidSpec');
      const warnings = async () =>
        (
          await admin.list<KubeObject & { reason: string; note?: string; type: string }>(
            { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
            { namespace: ns },
          )
        ).items.filter((e) => e.type === 'Warning' && e.reason === 'InvalidSpec');
      await expect
        .poll(async () => (await warnings()).map((e) => e.note).join('\n'), { timeout: 20_000 })
        .toContain('spec.nodes[0].k8sConfig');
      const stsList = await admin.list({ ...statefulSetType }, { namespace: ns });
      expect(stsList.items).toEqual([]);

      // Fixed: the same object converges, and Degraded clears.
      const live = await admin.get<LiveWidget>({ ...widgetType, namespace: ns, name: 'dangling' });
      await admin.patch(live, { type: 'merge', body: { spec: { nodes: [validSpec.nodes[0]] } } });
      await expect
        .poll(async () => (await condition(ns, 'dangling', 'Degraded'))?.status, { timeout: 20_000 })
        .toBe('False');
      await expect
        .poll(async () => (await admin.list(statefulSetType, { namespace: ns })).items.map((s) => s.metadata?.name), {
          timeout: 20_000,
        })
        .toEqual(['dangling-workers']);
    } finally {
      await op.stop();
    }
  });
});
