/**
 * Reliability: the operator keeps converging through the faults a real cluster throws at it. Each scenario runs
 * the operator against its own real control plane through @dsoi/envtest's fault proxy and ends with "every CR
 * converges to the expected children and status, and no reconcile was lost" (see reliability.ts: RECONCILE_WAIT is
 * 10 minutes, so only watch events can bring the changes in).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  committed,
  compactWhileCutOff,
  ownedChildrenProblems,
  type SimulatorOptions,
  simulateWorkloads,
  waitUntil,
  withFaultScenario,
  writesOf,
} from '@dsoi/chart-testing';
import { type Client, createClient, type KubeObject } from '@dsoi/client';
import { isConflict } from '@dsoi/client/errors';
import { type ControlPlane, startControlPlane } from '@dsoi/envtest';
import { createFaultProxy, createTestNamespace, type FaultProxy, type ProxyRequestRecord } from '@dsoi/envtest/testing';
import { createLogger } from '@dsoi/reconcile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinotOperator, pinotType } from '../src/operator.ts';
import {
  childRefsOf,
  convergenceProblems,
  desiredChildKeys,
  fourNodePinot,
  pinotCrdObjects,
  waitForConvergence,
  waitForRolloutInFlight,
  withRevision,
} from './reliability.ts';

let plane: ControlPlane;
let admin: Client;
const tmp = mkdtempSync(join(tmpdir(), 'pinot-faults-'));

beforeAll(async () => {
  plane = await startControlPlane({ crds: pinotCrdObjects(), garbageCollector: true });
  admin = createClient({ kubeConfig: plane.kubeConfig, fieldManager: 'test-admin' });
});
afterAll(async () => {
  admin?.close();
  await plane?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  return withFaultScenario(
    {
      kubeConfig: plane.kubeConfig,
      prefix,
      simulator,
      startOperator: (kubeConfig, namespace, signal) =>
        createPinotOperator({
          kubeConfig,
          watchNamespaces: [namespace],
          reconcileWaitMs: 600_000,
          probes: false,
          metrics: false,
          logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
        }).start(signal),
    },
    body,
  );
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
      const relisted = proxy.log.filter(
        (r) => r.verb === 'list' && r.resource === 'pinots' && r.time.getTime() >= reconnectedAt,
      );
      expect(relisted.length).toBeGreaterThanOrEqual(1);
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
        await waitForRolloutInFlight(admin, namespace, clusters);
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
      const lose = (resource: string, times: number) =>
        proxy.inject({ match: { writes: true, resource }, fault: { type: 'lostResponse' }, times });
      lose('statefulsets', 4);
      lose('services', 2);
      lose('pinots/status', 3);
      const lost = () => proxy.log.filter((r) => r.fault === 'lostResponse');
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
      const what = (r: ProxyRequestRecord) => `${r.resource}${r.subresource ? `/${r.subresource}` : ''}`;
      const expected = { 'pinots/status': 5, services: 2, statefulsets: 7 };
      expect(
        Object.fromEntries(Object.keys(expected).map((k) => [k, lost().filter((r) => what(r) === k).length])),
      ).toEqual(expected);
      // (A status write guarded by a stale resourceVersion may be refused with 409 instead: the server answered it
      // too, and the reset hid that answer. A write the operator itself gave up on before the server answered, its
      // reconcile aborted, has no answer to lose (upstreamStatus 0). At least one write of each kind must have been
      // committed with its answer lost.)
      for (const record of lost()) {
        expect(record.status).toBe(0);
        const answered = committed(record) || record.upstreamStatus === 409;
        expect(answered || record.upstreamStatus === 0, JSON.stringify(record)).toBe(true);
      }
      for (const kind of Object.keys(expected))
        expect(
          lost().some((r) => what(r) === kind && committed(r)),
          `a committed ${kind} write`,
        ).toBe(true);
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

describe('leader failover (operator processes)', () => {
  interface OperatorProcess {
    readonly child: ChildProcess;
    readonly proxy: FaultProxy;
    readonly exited: Promise<number | null>;
    readonly output: string[];
  }

  async function spawnOperator(namespace: string, identity: string): Promise<OperatorProcess> {
    const proxy = await createFaultProxy({ kubeConfig: plane.kubeConfig, logLimit: 200_000 });
    const kubeconfigPath = join(tmp, `${namespace}-${identity}.kubeconfig`);
    writeFileSync(kubeconfigPath, proxy.kubeConfig.exportConfig());
    const fixture = join(import.meta.dirname, 'fixtures', 'operatorProcess.mjs');
    const child = spawn(process.execPath, [fixture], {
      env: {
        ...process.env,
        OPERATOR_KUBECONFIG: kubeconfigPath,
        OPERATOR_NAMESPACE: namespace,
        OPERATOR_IDENTITY: identity,
        OPERATOR_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, proxy, exited, output };
  }

  async function holder(namespace: string): Promise<string | undefined> {
    const lease = await admin
      .get<KubeObject & { spec: { holderIdentity?: string } }>({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        namespace,
        name: 'e8b13a47.datainfra.io',
      })
      .catch(() => undefined);
    return lease?.spec.holderIdentity;
  }

  async function waitForHolder(namespace: string, identity: string, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await holder(namespace)) === identity) return Date.now();
      await sleep(100);
    }
    throw new Error(`${identity} did not take the lease within ${timeoutMs} ms (holder: ${await holder(namespace)})`);
  }

  /** Start and end (ms) of each write a process made to anything but its Lease. */
  const writeWindows = (proxy: FaultProxy, killedAt = Number.POSITIVE_INFINITY) =>
    writesOf(proxy.log).map((r) => ({
      start: r.time.getTime(),
      end: r.durationMs === undefined ? killedAt : r.time.getTime() + r.durationMs,
      what: `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''} ${r.name} -> ${r.status}`,
    }));

  /** Every write of the new leader started after the old leader's last write ended. */
  function expectNoOverlap(before: ReturnType<typeof writeWindows>, after: ReturnType<typeof writeWindows>) {
    const lastEnd = Math.max(...before.map((w) => w.end));
    const overlapping = after.filter((w) => w.start < lastEnd);
    const late = before.filter((w) => w.end > Math.min(...after.map((x) => x.start)));
    if (overlapping.length > 0 || late.length > 0)
      throw new Error(`two leaders wrote at once: ${JSON.stringify({ overlapping, late }, null, 1)}`);
  }

  async function withPair(
    prefix: string,
    body: (context: { namespace: string; a: OperatorProcess; b: OperatorProcess }) => Promise<void>,
    simulatorOptions: SimulatorOptions = {},
  ) {
    const namespace = await createTestNamespace(plane.kubeConfig, prefix);
    const stopSimulator = new AbortController();
    const simulator = simulateWorkloads(plane.kubeConfig, namespace, stopSimulator.signal, simulatorOptions);
    const a = await spawnOperator(namespace, 'operator-a');
    let b: OperatorProcess | undefined;
    try {
      await waitForHolder(namespace, 'operator-a', 30_000);
      b = await spawnOperator(namespace, 'operator-b');
      // The standby is up and watching the lease before anything happens (process start is slow on a busy machine).
      const standby = b;
      await waitUntil('operator-b observed the leader', () => standby.output.join('').includes('new leader observed'));
      await body({ namespace, a, b });
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n--- operator-a ---\n${a.output.join('').slice(-3000)}\n--- operator-b ---\n${b?.output.join('').slice(-3000)}`,
      );
    } finally {
      for (const p of [a, b]) {
        if (p === undefined) continue;
        if (p.child.exitCode === null && p.child.signalCode === null) {
          p.child.kill('SIGCONT'); // a stopped process does not die of SIGKILL until it runs again on some kernels
          p.child.kill('SIGKILL');
        }
        await p.exited;
        await p.proxy.close();
      }
      stopSimulator.abort();
      await simulator;
    }
  }

  /** When a process's leader election last wrote its Lease, as far as the API server accepted it (ms). */
  function lastLeaseWrite(p: OperatorProcess): number {
    const writes = p.proxy.log.filter(
      (r) => r.resource === 'leases' && (r.verb === 'create' || r.verb === 'update') && committed(r),
    );
    expect(writes.length).toBeGreaterThan(0);
    return Math.max(...writes.map((r) => r.time.getTime()));
  }

  /** When a process's first write of cluster state arrived (ms); fails when it wrote nothing. */
  function firstWrite(p: OperatorProcess): number {
    const writes = writesOf(p.proxy.log);
    expect(writes.length).toBeGreaterThan(0);
    return Math.min(...writes.map((r) => r.time.getTime()));
  }

  /** Resolves with the exit code, or throws after `timeoutMs`. */
  async function exitOf(p: OperatorProcess, timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the process did not exit within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([p.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('a standby takes over after the leader is SIGKILLed mid-reconcile, and writes only once its lease expired', async () => {
    await withPair('sigkill', async ({ namespace, a, b }) => {
      const clusters = names('kill', 8);
      await createClusters(namespace, clusters);
      // Precondition: the leader is creating children (some committed, not all) when it is killed.
      await waitUntil('operator-a committed 5 writes', () => writesOf(a.proxy.log).filter(committed).length >= 5);
      a.child.kill('SIGKILL');
      await a.exited;
      // Precondition: the kill came mid-work, not after it: some cluster was not converged yet.
      const atKill = await convergenceProblems(admin, namespace, clusters);
      expect([...atKill.values()].some((problems) => problems.length > 0)).toBe(true);
      await waitForHolder(namespace, 'operator-b', 20_000);
      await waitForConvergence(admin, namespace, { live: clusters });

      // b may take over only a lease duration (4 s) after it saw a's last renewal, which came after the API server
      // accepted it: b's first write must come later still. A standby that ignored the lease would fail this.
      expect(firstWrite(b)).toBeGreaterThan(lastLeaseWrite(a) + 4_000);
      const lease = await admin.get<KubeObject & { spec: { leaseTransitions?: number } }>({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        namespace,
        name: 'e8b13a47.datainfra.io',
      });
      expect(lease.spec.leaseTransitions).toBeGreaterThanOrEqual(1);
    });
  }, 180_000);

  it('SIGTERM during a rollout: the leader drains, releases the lease, exits 0, and the standby finishes the rollout', async () => {
    let held = false;
    await withPair(
      'sigterm',
      async ({ namespace, a, b }) => {
        const clusters = names('term', 4);
        await createClusters(namespace, clusters);
        await waitForConvergence(admin, namespace, { live: clusters });
        // No workload becomes ready until the leader has stopped, so the rollout is mid-way when it stops.
        held = true;
        const before = a.proxy.log.length;
        for (const name of clusters) await setRevision(namespace, name, 2);
        // Precondition: the leader rewrote StatefulSets, and every cluster's rollout waits on one.
        await waitForRolloutInFlight(admin, namespace, clusters);
        const rewritten = writesOf(a.proxy.log.slice(before)).filter((r) => r.resource === 'statefulsets');
        expect(rewritten.filter(committed).length).toBeGreaterThanOrEqual(clusters.length);
        a.child.kill('SIGTERM');
        expect(await exitOf(a, 60_000)).toBe(0);
        // Released on the way out: the standby need not wait for the lease to expire.
        expect(a.output.join('')).toContain('released the lease');
        await waitForHolder(namespace, 'operator-b', 10_000);
        held = false;
        await waitForConvergence(admin, namespace, { live: clusters, timeoutMs: 120_000 });

        const aWrites = writeWindows(a.proxy);
        const bWrites = writeWindows(b.proxy);
        expect(bWrites.length).toBeGreaterThan(0);
        expectNoOverlap(aWrites, bWrites);
        expect(a.output.join('')).toContain('manager stopped');
      },
      { held: () => held },
    );
  }, 240_000);

  it('a leader paused (SIGSTOP) past its lease sends no write once resumed (the new leader wrote meanwhile)', async () => {
    await withPair('sigstop', async ({ namespace, a, b }) => {
      const clusters = names('stop', 3);
      await createClusters(namespace, clusters);
      await waitForConvergence(admin, namespace, { live: clusters });
      // a's StatefulSet writes conflict, so its reconciles fail and are requeued by the default rate limiter,
      // 5 ms · 2^(failures - 1) later. Paused between two retries, a resumes with those requeue timers due before the
      // timer that ends its term (armed 3 s after its last renewal), and their reconciles write at once.
      a.proxy.inject({ match: { writes: true, resource: 'statefulsets' }, fault: { type: 'status', code: 409 } });
      for (const name of clusters) await setRevision(namespace, name, 2);
      const nextRetryInMs = (cluster: string) => {
        const failed = a.proxy.log.filter(
          (r) => r.resource === 'statefulsets' && r.fault === 'status' && r.name.startsWith(`${cluster}-`),
        );
        const last = failed.at(-1);
        return last ? last.time.getTime() + 5 * 2 ** (failed.length - 1) - Date.now() : Number.NEGATIVE_INFINITY;
      };
      // Any moment will do, even one where a write is between the leader check and the wire: the client checks
      // leadership again right before the request's first byte is written (beforeSend), and that reads the clock.
      await waitUntil('operator-a waits for retries of its failed StatefulSet writes', () => {
        const next = Math.min(...clusters.map(nextRetryInMs));
        return next >= 100 && next <= 1_200;
      });
      a.child.kill('SIGSTOP');
      const stoppedAt = Date.now();
      a.proxy.clearFaults(); // from now on, whatever a writes reaches the API server
      // Precondition 1: a led and wrote (the API server accepted it) before it was stopped.
      expect(writesOf(a.proxy.log).filter((r) => committed(r) && r.time.getTime() < stoppedAt).length).toBeGreaterThan(
        0,
      );
      // Precondition 2: b took the lease while a was stopped, and wrote.
      await waitForHolder(namespace, 'operator-b', 30_000);
      await waitUntil('operator-b wrote', () => writesOf(b.proxy.log).filter(committed).length > 0);
      const bFirstWrite = firstWrite(b);
      expect(a.child.exitCode).toBeNull();
      const resumedAt = Date.now();
      a.child.kill('SIGCONT');
      // a finds its lease gone (LeaderElectionLostError) and exits non-zero, to restart as a standby.
      expect(await exitOf(a, 60_000)).toBe(1);
      await waitForConvergence(admin, namespace, { live: clusters });

      // The outcome: a sent no write at all once resumed (b's first write came before that), so none reached the API
      // server after b's first write: not one that was due, nor one that had passed the check before the pause.
      expect(bFirstWrite).toBeLessThan(resumedAt);
      const late = writesOf(a.proxy.log).filter((r) => r.time.getTime() >= resumedAt);
      const describe = (r: ProxyRequestRecord) =>
        `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''} ${r.name} -> ${r.status}`;
      expect(late.map(describe), `operator-a wrote after it was resumed: ${late.map(describe).join(', ')}`).toEqual([]);
      // What stopped it: a acted once resumed (a requeued reconcile ran before the timer ending its term), and the
      // leadership check before its write found the renew deadline passed.
      expect(a.output.join('')).toContain('found by a leadership check before the timer');
    });
  }, 180_000);

  it('a leader whose Lease requests stall past its lease duration stops writing before the new leader writes', async () => {
    await withPair('stall', async ({ namespace, a, b }) => {
      const clusters = names('stall', 3);
      await createClusters(namespace, clusters);
      await waitForConvergence(admin, namespace, { live: clusters });
      // Keep the leader busy: a new config revision every 300 ms, so it writes StatefulSets and statuses throughout.
      let churning = true;
      const churn = (async () => {
        for (let revision = 2; churning; revision++) {
          for (const name of clusters) await setRevision(namespace, name, revision).catch(() => {});
          await sleep(300);
        }
      })();
      try {
        await waitUntil('operator-a writes while the revisions change', () =>
          writesOf(a.proxy.log).some((r) => r.resource === 'statefulsets' && committed(r)),
        );
        // Only a's Lease requests are held (60 s, far past the 4 s lease); everything else it sends goes through.
        a.proxy.inject({ match: { resource: 'leases' }, fault: { type: 'stall', delayMs: 60_000 } });
        const stalledAt = Date.now();
        await waitForHolder(namespace, 'operator-b', 30_000);
        await waitUntil('operator-b wrote', () => writesOf(b.proxy.log).filter(committed).length > 0);
        const bFirstWrite = firstWrite(b);
        // Precondition: a renewal of a was held while b took over, and a kept writing after its renewals stalled.
        const held = a.proxy.log.filter((r) => r.resource === 'leases' && r.fault === 'stall');
        expect(held.length).toBeGreaterThan(0);
        expect(held[0]!.time.getTime()).toBeLessThan(bFirstWrite);
        expect(
          writesOf(a.proxy.log).filter((r) => committed(r) && r.time.getTime() > stalledAt).length,
        ).toBeGreaterThan(0);
        // a stops leading at its renew deadline (3 s), before b may take over (4 s), and exits to restart as a standby.
        expect(await exitOf(a, 30_000)).toBe(1);
        expect(a.output.join('')).toContain('no successful renewal');
      } finally {
        churning = false;
        await churn;
      }
      await waitForConvergence(admin, namespace, { live: clusters });
      // The outcome: every write a made ended before b's first write.
      expectNoOverlap(writeWindows(a.proxy), writeWindows(b.proxy));
    });
  }, 180_000);
});
