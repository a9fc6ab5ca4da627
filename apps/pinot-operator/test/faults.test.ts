/**
 * Reliability: the operator keeps converging through the faults a real cluster throws at it. Each scenario runs
 * the operator against its own real control plane through @dsoi/envtest's fault proxy and ends with "every CR
 * converges to the expected children and status, and no reconcile was lost" (see reliability.ts: RECONCILE_WAIT is
 * 10 minutes, so only watch events can bring the changes in).
 */
import { join } from 'node:path';
import {
  committed,
  compactWhileCutOff,
  describeLeaderFailover,
  listsSince,
  lostResponses,
  ownedChildrenProblems,
  type SimulatorOptions,
  scenarioOperator,
  waitForRolloutInFlight,
  waitUntil,
  withFaultScenario,
} from '@dsoi/chart-testing';
import { type Client, createClient, type KubeObject } from '@dsoi/client';
import { isConflict } from '@dsoi/client/errors';
import { type ControlPlane, startControlPlane } from '@dsoi/envtest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinotOperator, pinotOperatorDefaults, pinotType } from '../src/operator.ts';
import {
  childRefsOf,
  convergenceProblems,
  desiredChildKeys,
  fourNodePinot,
  pinotCrdObjects,
  waitForConvergence,
  withRevision,
} from './reliability.ts';

let plane: ControlPlane;
let admin: Client;

beforeAll(async () => {
  plane = await startControlPlane({ crds: pinotCrdObjects(), garbageCollector: true });
  admin = createClient({ kubeConfig: plane.kubeConfig, fieldManager: 'test-admin' });
});
afterAll(async () => {
  admin?.close();
  await plane?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const statefulSetType = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const childKinds = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
];
const names = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);

async function createClusters(namespace: string, clusterNames: readonly string[]) {
  for (const name of clusterNames) await admin.create(fourNodePinot(namespace, name));
}

/** Sets a new config revision on a live CR (rolls its four workloads in deploymentOrder). */
async function setRevision(namespace: string, name: string, revision: number) {
  // The operator's status writes move the resourceVersion between our read and our replace: read again on a Conflict.
  for (let attempt = 1; ; attempt++) {
    const live = await admin.get<KubeObject & { spec: any }>({ ...pinotType, namespace, name });
    try {
      return void (await admin.replace(withRevision(live, revision)));
    } catch (err) {
      if (!isConflict(err) || attempt >= 10) throw err;
    }
  }
}

/** A namespace, a proxy, the workload simulator and the operator (in this process, through the proxy). */
function withScenario(prefix: string, body: Parameters<typeof withFaultScenario>[1], simulator: SimulatorOptions = {}) {
  const startOperator = scenarioOperator(createPinotOperator);
  return withFaultScenario({ kubeConfig: plane.kubeConfig, prefix, simulator, startOperator }, body);
}

describe('faults', () => {
  it('converges while its watch streams are cut every 3 s for a minute of creates, changes and deletes', async () => {
    await withScenario('watch-cuts', async ({ namespace, proxy, assertRunning }) => {
      let cuts = 0;
      const cutter = setInterval(() => {
        cuts += proxy.dropWatches() > 0 ? 1 : 0;
      }, 3_000);
      const clusters = names('cut', 6);
      let gone: Awaited<ReturnType<typeof childRefsOf>> = [];
      try {
        await createClusters(namespace, clusters.slice(0, 4));
        await sleep(8_000);
        await createClusters(namespace, clusters.slice(4));
        let revision = 1;
        for (let round = 0; round < 5; round++) {
          revision++;
          for (const name of clusters.slice(0, 3)) await setRevision(namespace, name, revision);
          await sleep(7_000);
          assertRunning();
        }
        gone = await childRefsOf(admin, namespace, 'cut-5');
        await admin.delete({ ...pinotType, namespace, name: 'cut-5' });
        await createClusters(namespace, ['cut-7']);
        await sleep(8_000);
        await setRevision(namespace, 'cut-6', 9);
        await sleep(6_000);
      } finally {
        clearInterval(cutter);
      }
      // Precondition: the proxy cut open watches at least 15 times while the CRs changed, and every cut was followed
      // by a new watch (more watch requests than cuts).
      expect(cuts).toBeGreaterThanOrEqual(15);
      expect(proxy.log.filter((r) => r.verb === 'watch' && r.resource === 'pinots').length).toBeGreaterThan(cuts);
      await waitForConvergence(admin, namespace, { live: [...clusters.filter((n) => n !== 'cut-5'), 'cut-7'], gone });
    });
  }, 180_000);

  it('converges through 429s and 5xx on writes, and then with a conflict on every second write', async () => {
    await withScenario('write-faults', async ({ namespace, proxy }) => {
      const clusters = names('burst', 4);
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 429, retryAfterSeconds: 1 }, times: 25 });
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 500 }, times: 10 });
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 503 }, times: 10 });
      await createClusters(namespace, clusters);
      // Precondition: all 45 faults were answered to writes of the operator before it converged.
      await waitUntil(
        '45 faults injected into the operator writes',
        () => proxy.stats().faultsInjected === 45,
        120_000,
      );
      await waitForConvergence(admin, namespace, { live: clusters });

      proxy.clearFaults();
      proxy.resetStats();
      proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 409 }, every: 2 });
      for (const name of clusters.slice(0, 3)) await setRevision(namespace, name, 2);
      const gone = await childRefsOf(admin, namespace, 'burst-4');
      await admin.delete({ ...pinotType, namespace, name: 'burst-4' });
      // Precondition: the rollouts and the deletion met more than ten conflicts.
      await waitUntil('more than 10 conflicts injected', () => proxy.stats().faultsInjected > 10, 120_000);
      await waitForConvergence(admin, namespace, { live: clusters.slice(0, 3), gone });
    });
  }, 180_000);

  it('resumes with a relist when etcd was compacted past its resourceVersion while it was cut off (410 Gone)', async () => {
    await withScenario('compacted', async ({ namespace, proxy }) => {
      const clusters = names('gone', 3);
      await createClusters(namespace, clusters);
      await waitForConvergence(admin, namespace, { live: clusters });

      // Cut the operator off, change things behind its back, and compact etcd while kube-apiserver is down, so the
      // restarted server's watch cache starts past every resourceVersion the operator has seen. Precondition (waited
      // for inside): an informer resumed its watch from a resourceVersion the new server no longer serves, and got
      // kube-apiserver's own in-stream 410 Expired (logged by the proxy), before anything else is asserted.
      let gone: Awaited<ReturnType<typeof childRefsOf>> = [];
      const reconnectedAt = await compactWhileCutOff(plane, proxy, async () => {
        await setRevision(namespace, 'gone-1', 2);
        gone = await childRefsOf(admin, namespace, 'gone-2');
        await admin.delete({ ...pinotType, namespace, name: 'gone-2' });
        await createClusters(namespace, ['gone-4']);
      });
      await waitForConvergence(admin, namespace, { live: ['gone-1', 'gone-3', 'gone-4'], gone });
      expect(listsSince(proxy.log, 'pinots', reconnectedAt).length).toBeGreaterThanOrEqual(1);
    });
  }, 180_000);

  it('finishes a rollout when kube-apiserver is killed and restarted (same etcd) in the middle of it', async () => {
    let held = false;
    await withScenario(
      'restart',
      async ({ namespace }) => {
        const clusters = names('roll', 4);
        await createClusters(namespace, clusters);
        await waitForConvergence(admin, namespace, { live: clusters });
        // No workload becomes ready until the restart, so the rollout started here is still in flight then.
        held = true;
        for (const name of clusters) await setRevision(namespace, name, 2);
        // Precondition: every cluster has a StatefulSet rewritten but not rolled out, and its status waits on it.
        await waitForRolloutInFlight(admin, {
          namespace,
          crType: pinotType,
          workloadType: statefulSetType,
          names: clusters,
        });
        await plane.restartApiServer();
        held = false;
        await waitForConvergence(admin, namespace, { live: clusters, timeoutMs: 120_000 });
      },
      { held: () => held },
    );
  }, 180_000);

  it('survives writes committed on the server whose responses were lost: no duplicate child, no lost status', async () => {
    await withScenario('lost-responses', async ({ namespace, proxy }) => {
      const clusters = names('lost', 3);
      const { lose, lost, countsOf, withoutCommitted } = lostResponses(proxy);
      lose('statefulsets', 4);
      lose('services', 2);
      lose('pinots/status', 3);
      await createClusters(namespace, clusters);
      // Precondition of the first round: all 9 responses were lost before the CRs converged.
      await waitUntil('9 lost responses', () => lost().length === 9, 120_000);
      await waitForConvergence(admin, namespace, { live: clusters });

      // A second round: the rollout's StatefulSet updates and status writes lose their responses too.
      lose('statefulsets', 3);
      lose('pinots/status', 2);
      for (const name of clusters) await setRevision(namespace, name, 2);
      await waitUntil('14 lost responses', () => lost().length === 14, 120_000);

      // Precondition: each injected fault hit a write the API server committed, while the operator saw a reset.
      const expected = { 'pinots/status': 5, services: 2, statefulsets: 7 };
      expect(countsOf(Object.keys(expected))).toEqual(expected);
      // (A status write guarded by a stale resourceVersion may be refused with 409 instead: the server answered it
      // too, and the reset hid that answer. A write the operator itself gave up on before the server answered, its
      // reconcile aborted, has no answer to lose (upstreamStatus 0). At least one write of each kind must have been
      // committed with its answer lost.)
      for (const record of lost()) {
        expect(record.status).toBe(0);
        const answered = committed(record) || record.upstreamStatus === 409;
        expect(answered || record.upstreamStatus === 0, JSON.stringify(record)).toBe(true);
      }
      expect(withoutCommitted(Object.keys(expected)), 'kinds without a committed write').toEqual([]);
      await waitForConvergence(admin, namespace, { live: clusters });
      // Outcome: each CR owns exactly its desired children, once each; its status is current and Ready (converged).
      const problems = await ownedChildrenProblems(admin, {
        namespace,
        crType: pinotType,
        childTypes: childKinds,
        names: clusters,
        desired: desiredChildKeys,
      });
      expect(problems).toEqual(new Map(clusters.map((n) => [n, []])));
    });
  }, 180_000);
});

describeLeaderFailover({
  kubeConfig: () => plane.kubeConfig,
  fixture: join(import.meta.dirname, 'fixtures', 'operatorProcess.mjs'),
  leaseName: pinotOperatorDefaults.leaderElectionId,
  crType: pinotType,
  workloadType: statefulSetType,
  create: (_admin, namespace, crs) => createClusters(namespace, crs),
  setRevision: (_admin, namespace, name, revision) => setRevision(namespace, name, revision),
  convergenceProblems: async (_admin, namespace, crs) =>
    [...(await convergenceProblems(admin, namespace, crs))].flatMap(([name, problems]) =>
      problems.map((problem) => `${name}: ${problem}`),
    ),
  waitForConvergence: (_admin, namespace, crs, timeoutMs) =>
    waitForConvergence(admin, namespace, { live: crs, ...(timeoutMs && { timeoutMs }) }),
});
