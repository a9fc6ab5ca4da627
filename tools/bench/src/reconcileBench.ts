/**
 * The reconcile engine on a real control plane: N parents × 10 children. Time to converge from empty, API requests
 * per reconcile (cold and steady), steady-state reconciles per second, peak memory of the process.
 */

import { createClient } from '@dsoi/client';
import { startControlPlane } from '@dsoi/envtest';
import { testCrd } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import { createManager, done, type ManagerOptions, reconcileChildren } from '@dsoi/reconcile';
import { type BenchSection, fmt, markdownTable, verdict } from './table.ts';

const widgetCrd = testCrd({ group: 'bench.dsoi.io', kind: 'Widget', statusSubresource: false });
const widgetType = { apiVersion: 'bench.dsoi.io/v1', kind: 'Widget' } as const;
type Widget = KubeObject & { metadata: { name: string; namespace: string; uid: string } };
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

async function inBatches<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += concurrency) await Promise.all(items.slice(i, i + concurrency).map(fn));
}

/** A manager whose one controller keeps `childrenPerParent` ConfigMaps per Widget, counting its reconciles. */
function widgetOperator(kubeConfig: ManagerOptions['kubeConfig'], namespace: string, childrenPerParent: number) {
  const manager = createManager({ name: 'bench-operator', kubeConfig, probes: false, metrics: false, logger: quiet });
  const converged = new Set<string>();
  const counter = { reconciles: 0 };
  manager.addController<Widget>({
    name: 'widget',
    for: widgetType,
    owns: [{ apiVersion: 'v1', kind: 'ConfigMap' }],
    reconciler: async ({ object, cache, signal }) => {
      if (!object) return done();
      counter.reconciles++;
      const desired = Array.from({ length: childrenPerParent }, (_, i) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${object.metadata.name}-c${i}`, namespace },
        data: { 'app.conf': `parent=${object.metadata.name}\nindex=${i}\n` },
      }));
      const report = await reconcileChildren({ owner: object, desired, client: manager.client, cache, signal });
      if (report.converged) converged.add(object.metadata.name);
      return done();
    },
  });
  return { manager, converged, counter };
}

/** Runs the benchmark and returns its Markdown section. */
export async function runReconcileBench(quick: boolean): Promise<BenchSection> {
  const parents = quick ? 200 : 1_000;
  const childrenPerParent = 10;
  const plane = await startControlPlane({ crds: [widgetCrd] });
  try {
    const admin = createClient({ kubeConfig: plane.kubeConfig, fieldManager: 'bench-admin' });
    const namespace = 'bench';
    await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const names = Array.from({ length: parents }, (_, i) => `w${i}`);
    await inBatches(names, 25, (name) => admin.create({ ...widgetType, metadata: { name, namespace } }));

    const { manager, converged, counter } = widgetOperator(plane.kubeConfig, namespace, childrenPerParent);
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const stop = new AbortController();
    const started = performance.now();
    const running = manager.start(stop.signal);
    while (converged.size < parents) await new Promise((r) => setTimeout(r, 50));
    const convergeMs = performance.now() - started;
    const coldRequests = manager.client.stats().requests;
    const coldReconciles = counter.reconciles;

    // Steady state: every parent reconciled again with nothing changed.
    const steadyBefore = manager.client.stats().requests;
    const reconcilesBefore = counter.reconciles;
    const steadyStart = performance.now();
    const controller = manager.controllers()[0]!;
    for (const name of names) controller.enqueue({ namespace, name });
    while (counter.reconciles - reconcilesBefore < parents) await new Promise((r) => setImmediate(r));
    const steadyMs = performance.now() - steadyStart;
    const steadyRequests = manager.client.stats().requests - steadyBefore;
    clearInterval(sampler);
    stop.abort();
    await running;

    const rows = [
      ['parents × children', `${parents} × ${childrenPerParent}`],
      ['time to converge from empty', `${fmt(convergeMs / 1000, 2)} s`],
      ['reconciles until converged', String(coldReconciles)],
      ['API requests until converged (all verbs, incl. list/watch)', String(coldRequests)],
      ['API requests per parent, cold', fmt(coldRequests / parents, 2)],
      ['API requests per no-op reconcile, steady', fmt(steadyRequests / parents, 3)],
      ['steady-state reconciles per second', fmt(parents / (steadyMs / 1000), 0)],
      ['peak RSS of the operator process', `${fmt(peakRss / 2 ** 20, 0)} MiB`],
    ];
    return {
      markdown: `## Reconcile engine (real kube-apiserver)\n\n${markdownTable(['measure', 'value'], rows)}\n`,
      targets: [
        {
          target: 'zero requests per no-op reconcile',
          measured: `${steadyRequests} requests in ${parents} no-op reconciles`,
          verdict: verdict(steadyRequests === 0, `${fmt(steadyRequests / parents, 3)} per reconcile`),
        },
      ],
    };
  } finally {
    await plane.stop();
  }
}
