/**
 * The leader-failover cases both reference operators run, on {@link withOperatorPair}'s two replica processes: the
 * leader SIGKILLed mid-reconcile, SIGTERMed during a rollout, SIGSTOPped past its lease then resumed, and cut off from
 * its Lease while it writes. Each case first asserts that the fault hit the state it is named after, then the outcome.
 */
import { type Client, createClient, type TypeMeta } from '@dsoi/client';
import type { ProxyRequestRecord } from '@dsoi/envtest/testing';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committed, type SimulatorOptions, waitUntil, writesOf } from './faultScenario.ts';
import {
  exitOf,
  expectNoOverlap,
  firstWrite,
  lastLeaseWrite,
  type OperatorPair,
  withOperatorPair,
  writeWindows,
} from './operatorPair.ts';
import { waitForRolloutInFlight } from './rolloutInFlight.ts';

/** What {@link describeLeaderFailover} needs to know about an operator. */
export interface LeaderFailoverOptions {
  /** The API server's KubeConfig, read when the cases run (a suite may start its control plane in `beforeAll`). */
  readonly kubeConfig: () => KubeConfig;
  /** The replica script (`test/fixtures/operatorProcess.mjs`, on `runOperatorProcess`). */
  readonly fixture: string;
  /** The Lease of the operator's leader election. */
  readonly leaseName: string;
  /** The custom resource's kind. */
  readonly crType: TypeMeta;
  /** The kind of the workloads a new revision rewrites first (its `deploymentOrder` rolls them one at a time). */
  readonly workloadType: TypeMeta;
  /** Creates the named CRs in `namespace`; their workload names contain `<cr name>-` (Parseable's do not start with it). */
  create(admin: Client, namespace: string, names: readonly string[]): Promise<void>;
  /** Gives a live CR a new revision of its spec that rolls its workloads (read again on a Conflict). */
  setRevision(admin: Client, namespace: string, name: string, revision: number): Promise<void>;
  /** What keeps the named CRs from having converged, `[]` when nothing. */
  convergenceProblems(admin: Client, namespace: string, names: readonly string[]): Promise<string[]>;
  /** Waits until the named CRs converged; throws with what is still wrong. */
  waitForConvergence(admin: Client, namespace: string, names: readonly string[], timeoutMs?: number): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const names = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
const describeWrite = (r: ProxyRequestRecord) =>
  `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''} ${r.name} -> ${r.status}`;

/** What each case uses: the suite's admin client and the app's operations bound to it. */
interface FailoverCase {
  readonly options: LeaderFailoverOptions;
  /** `test-admin` on the suite's API server (made in `beforeAll`). */
  readonly admin: () => Client;
  /** The plural of the workload kind, as the proxy logs it (`statefulsets`). */
  readonly workloads: string;
  withPair(prefix: string, body: (pair: OperatorPair) => Promise<void>, simulator?: SimulatorOptions): Promise<void>;
  /** {@link withPair} with `count` CRs named `<prefix>-<n>` created and converged before `body`. */
  withConverged(
    prefix: string,
    count: number,
    body: (pair: OperatorPair & { readonly crs: string[] }) => Promise<void>,
    simulator?: SimulatorOptions,
  ): Promise<void>;
  create(namespace: string, crs: readonly string[]): Promise<void>;
  setRevision(namespace: string, name: string, revision: number): Promise<void>;
  converged(namespace: string, crs: readonly string[], timeoutMs?: number): Promise<void>;
}

/** The leader SIGKILLed while it creates children: the standby writes only once the dead leader's lease expired. */
function sigkillMidReconcile({ options, admin, withPair, create, converged }: FailoverCase): void {
  it('a standby takes over after the leader is SIGKILLed mid-reconcile, and writes only once its lease expired', async () => {
    await withPair('sigkill', async ({ namespace, a, b, waitForHolder, lease }) => {
      const crs = names('kill', 8);
      await create(namespace, crs);
      // Precondition: the leader is creating children (some committed, not all) when it is killed.
      await waitUntil('operator-a committed 5 writes', () => writesOf(a.proxy.log).filter(committed).length >= 5);
      a.child.kill('SIGKILL');
      await a.exited;
      // Precondition: the kill came mid-work, not after it: some CR was not converged yet.
      expect(await options.convergenceProblems(admin(), namespace, crs)).not.toEqual([]);
      await waitForHolder('operator-b', 20_000);
      await converged(namespace, crs);

      // b may take over only a lease duration (4 s) after it saw a's last renewal, which came after the API server
      // accepted it: b's first write must come later still. A standby that ignored the lease would fail this.
      expect(firstWrite(b)).toBeGreaterThan(lastLeaseWrite(a) + 4_000);
      expect((await lease()).spec.leaseTransitions).toBeGreaterThanOrEqual(1);
    });
  }, 180_000);
}

/** The leader SIGTERMed during a rollout: it drains, releases the Lease and exits 0; the standby finishes. */
function sigtermMidRollout(context: FailoverCase): void {
  const { options, admin, withConverged, setRevision, converged, workloads } = context;
  const { crType, workloadType } = options;
  it('SIGTERM during a rollout: the leader drains, releases the lease, exits 0, and the standby finishes the rollout', async () => {
    let held = false;
    await withConverged(
      'sigterm',
      4,
      async ({ namespace, a, b, waitForHolder, crs }) => {
        // No workload becomes ready until the leader has stopped, so the rollout is mid-way when it stops.
        held = true;
        const before = a.proxy.log.length;
        for (const name of crs) await setRevision(namespace, name, 2);
        // Precondition: the leader rewrote workloads, and every CR's rollout waits on one.
        await waitForRolloutInFlight(admin(), { namespace, crType, workloadType, names: crs });
        const rewritten = writesOf(a.proxy.log.slice(before)).filter((r) => r.resource === workloads);
        expect(rewritten.filter(committed).length).toBeGreaterThanOrEqual(crs.length);
        a.child.kill('SIGTERM');
        expect(await exitOf(a, 60_000)).toBe(0);
        // Released on the way out: the standby need not wait for the lease to expire.
        expect(a.output.join('')).toContain('released the lease');
        await waitForHolder('operator-b', 10_000);
        held = false;
        await converged(namespace, crs, 120_000);

        const bWrites = writeWindows(b.proxy);
        expect(bWrites.length).toBeGreaterThan(0);
        expectNoOverlap(writeWindows(a.proxy), bWrites);
        expect(a.output.join('')).toContain('manager stopped');
      },
      { held: () => held },
    );
  }, 240_000);
}

/** The leader SIGSTOPped past its lease between two retries, then resumed: not one write of it reaches the server. */
function sigstopPastLease({ withConverged, setRevision, converged, workloads }: FailoverCase): void {
  it('a leader paused (SIGSTOP) past its lease sends no write once resumed (the new leader wrote meanwhile)', async () => {
    await withConverged('sigstop', 3, async ({ namespace, a, b, waitForHolder, crs }) => {
      // a's workload writes conflict, so its reconciles fail and are requeued by the default rate limiter,
      // 5 ms · 2^(failures - 1) later (a rollout writes one workload per pass: the next waits for it). Paused between
      // two retries, a resumes with those requeue timers due before the timer that ends its term (armed 3 s after
      // its last renewal), and their reconciles write at once.
      a.proxy.inject({ match: { writes: true, resource: workloads }, fault: { type: 'status', code: 409 } });
      for (const name of crs) await setRevision(namespace, name, 2);
      const nextRetryInMs = (cr: string) => {
        const failed = a.proxy.log.filter(
          (r) => r.resource === workloads && r.fault === 'status' && r.name.includes(`${cr}-`),
        );
        const last = failed.at(-1);
        return last ? last.time.getTime() + 5 * 2 ** (failed.length - 1) - Date.now() : Number.NEGATIVE_INFINITY;
      };
      // Any moment will do, even one where a write is between the leader check and the wire: the client checks
      // leadership again right before the request's first byte is written (beforeSend), and that reads the clock.
      await waitUntil('operator-a waits for retries of its failed workload writes', () => {
        const next = Math.min(...crs.map(nextRetryInMs));
        return next >= 100 && next <= 1_200;
      });
      a.child.kill('SIGSTOP');
      const stoppedAt = Date.now();
      a.proxy.clearFaults(); // from now on, whatever a writes reaches the API server
      // Precondition 1: a led and wrote (the API server accepted it) before it was stopped.
      const beforeStop = writesOf(a.proxy.log).filter((r) => committed(r) && r.time.getTime() < stoppedAt);
      expect(beforeStop.length).toBeGreaterThan(0);
      // Precondition 2: b took the lease while a was stopped, and wrote.
      await waitForHolder('operator-b', 30_000);
      await waitUntil('operator-b wrote', () => writesOf(b.proxy.log).filter(committed).length > 0);
      const bFirstWrite = firstWrite(b);
      expect(a.child.exitCode).toBeNull();
      const resumedAt = Date.now();
      a.child.kill('SIGCONT');
      // a finds its lease gone (LeaderElectionLostError) and exits non-zero, to restart as a standby.
      expect(await exitOf(a, 60_000)).toBe(1);
      await converged(namespace, crs);

      // The outcome: a sent no write at all once resumed (b's first write came before that), so none reached the
      // API server after b's first write: not one that was due, nor one that had passed the check before the pause.
      expect(bFirstWrite).toBeLessThan(resumedAt);
      const late = writesOf(a.proxy.log).filter((r) => r.time.getTime() >= resumedAt);
      expect(late.map(describeWrite), 'operator-a wrote after it was resumed').toEqual([]);
      // What stopped it: a acted once resumed (a requeued reconcile ran before the timer ending its term), and the
      // leadership check before its write found the renew deadline passed.
      expect(a.output.join('')).toContain('found by a leadership check before the timer');
    });
  }, 180_000);
}

/** The leader's Lease requests stalled while it writes: it stops writing before the standby writes. */
function leaseRequestsStalled({ withConverged, setRevision, converged, workloads }: FailoverCase): void {
  it('a leader whose Lease requests stall past its lease duration stops writing before the new leader writes', async () => {
    await withConverged('stall', 3, async ({ namespace, a, b, waitForHolder, crs }) => {
      // Keep the leader busy: a new revision every 300 ms, so it writes workloads and statuses throughout.
      let churning = true;
      const churn = (async () => {
        for (let revision = 2; churning; revision++) {
          for (const name of crs) await setRevision(namespace, name, revision).catch(() => {});
          await sleep(300);
        }
      })();
      try {
        await waitUntil('operator-a writes while the revisions change', () =>
          writesOf(a.proxy.log).some((r) => r.resource === workloads && committed(r)),
        );
        // Only a's Lease requests are held (60 s, far past the 4 s lease); everything else it sends goes through.
        a.proxy.inject({ match: { resource: 'leases' }, fault: { type: 'stall', delayMs: 60_000 } });
        const stalledAt = Date.now();
        await waitForHolder('operator-b', 30_000);
        await waitUntil('operator-b wrote', () => writesOf(b.proxy.log).filter(committed).length > 0);
        const bFirstWrite = firstWrite(b);
        // Precondition: a renewal of a was held while b took over, and a kept writing after its renewals stalled.
        const held = a.proxy.log.filter((r) => r.resource === 'leases' && r.fault === 'stall');
        expect(held.length).toBeGreaterThan(0);
        expect(held[0]!.time.getTime()).toBeLessThan(bFirstWrite);
        const afterStall = writesOf(a.proxy.log).filter((r) => committed(r) && r.time.getTime() > stalledAt);
        expect(afterStall.length).toBeGreaterThan(0);
        // a stops leading at its renew deadline (3 s), before b may take over (4 s), and exits to restart as a
        // standby.
        expect(await exitOf(a, 30_000)).toBe(1);
        expect(a.output.join('')).toContain('no successful renewal');
      } finally {
        churning = false;
        await churn;
      }
      await converged(namespace, crs);
      // The outcome: every write a made ended before b's first write.
      expectNoOverlap(writeWindows(a.proxy), writeWindows(b.proxy));
    });
  }, 180_000);
}

/** Registers the four leader-failover cases of an operator (`describe('leader failover (operator processes)')`). */
export function describeLeaderFailover(options: LeaderFailoverOptions): void {
  let admin: Client | undefined;
  const adminClient = () => {
    if (admin === undefined) throw new Error('the suite has no admin client before beforeAll');
    return admin;
  };
  const context: FailoverCase = {
    options,
    admin: adminClient,
    workloads: `${options.workloadType.kind.toLowerCase()}s`,
    withPair: (prefix, body, simulator) =>
      withOperatorPair(
        {
          kubeConfig: options.kubeConfig(),
          prefix,
          fixture: options.fixture,
          leaseName: options.leaseName,
          ...(simulator && { simulator }),
        },
        body,
      ),
    withConverged: (prefix, count, body, simulator) =>
      context.withPair(
        prefix,
        async (pair) => {
          const crs = Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
          await context.create(pair.namespace, crs);
          await context.converged(pair.namespace, crs);
          await body({ ...pair, crs });
        },
        simulator,
      ),
    create: (namespace, crs) => options.create(adminClient(), namespace, crs),
    setRevision: (namespace, name, revision) => options.setRevision(adminClient(), namespace, name, revision),
    converged: (namespace, crs, timeoutMs) => options.waitForConvergence(adminClient(), namespace, crs, timeoutMs),
  };
  describe('leader failover (operator processes)', () => {
    beforeAll(() => {
      admin = createClient({ kubeConfig: options.kubeConfig(), fieldManager: 'test-admin' });
    });
    afterAll(() => admin?.close());
    sigkillMidReconcile(context);
    sigtermMidRollout(context);
    sigstopPastLease(context);
    leaseRequestsStalled(context);
  });
}
