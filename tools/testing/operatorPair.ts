/**
 * Two replicas of an operator as processes of their own, each behind its own fault proxy, electing a leader on one
 * Lease: the runner of the leader-failover cases both reference operators' fault suites share (the leader is killed,
 * stopped, terminated or cut off from its Lease while the proxies log what each replica wrote, and when).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient, type KubeObject } from '@dsoi/client';
import { createFaultProxy, createTestNamespace, type FaultProxy } from '@dsoi/envtest/testing';
import type { KubeConfig } from '@kubernetes/client-node';
import { committed, type SimulatorOptions, simulateWorkloads, waitUntil, writesOf } from './faultScenario.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One replica: its process, the proxy it talks through (whose log is its requests), its output so far. */
export interface OperatorProcess {
  readonly child: ChildProcess;
  readonly proxy: FaultProxy;
  /** Resolves with the exit code (`null` when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Its stdout and stderr, chunk by chunk. */
  readonly output: string[];
}

/** Options of {@link withOperatorPair}. */
export interface OperatorPairOptions {
  /** The API server's KubeConfig (each proxy forwards to it; the namespace, simulator and Lease reads use it). */
  readonly kubeConfig: KubeConfig;
  /** Namespace name prefix. */
  readonly prefix: string;
  /**
   * The replica's script (see `operatorProcess.ts`): run with node, configured by `OPERATOR_KUBECONFIG`,
   * `OPERATOR_NAMESPACE`, `OPERATOR_IDENTITY` and `OPERATOR_LOG_LEVEL`.
   */
  readonly fixture: string;
  /** The Lease the replicas elect a leader on (in the scenario's namespace). */
  readonly leaseName: string;
  /** What the standby logs once it has seen the leader. @default 'new leader observed' */
  readonly leaderObserved?: string;
  /** More environment for both replicas. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** Options of the workload simulator. @default its defaults */
  readonly simulator?: SimulatorOptions;
}

/** What a pair's body gets: the namespace, the leader `a`, the standby `b`, and the Lease as the server has it. */
export interface OperatorPair {
  readonly namespace: string;
  /** The first replica; it holds the Lease when the body starts. */
  readonly a: OperatorProcess;
  /** The second replica; it has seen `a` lead when the body starts. */
  readonly b: OperatorProcess;
  /** The Lease's `holderIdentity` now (`undefined` when none). */
  holder(): Promise<string | undefined>;
  /** Waits until `identity` holds the Lease; resolves with when it was seen (ms). */
  waitForHolder(identity: string, timeoutMs: number): Promise<number>;
  /** The Lease as the API server has it. */
  lease(): Promise<KubeObject & { spec: { holderIdentity?: string; leaseTransitions?: number } }>;
}

function spawnReplica(
  options: OperatorPairOptions,
  dir: string,
  namespace: string,
  identity: string,
  proxy: FaultProxy,
): OperatorProcess {
  const kubeconfigPath = join(dir, `${identity}.kubeconfig`);
  writeFileSync(kubeconfigPath, proxy.kubeConfig.exportConfig());
  const child = spawn(process.execPath, [options.fixture], {
    env: {
      ...process.env,
      ...options.env,
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

/** Kills a replica still running (a stopped one is woken first: it does not die of SIGKILL until it runs again on some kernels). */
async function stopReplica(p: OperatorProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) {
    p.child.kill('SIGCONT');
    p.child.kill('SIGKILL');
  }
  await p.exited;
  await p.proxy.close();
}

function leaseReader(admin: Client, namespace: string, leaseName: string): Omit<OperatorPair, 'namespace' | 'a' | 'b'> {
  const ref = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name: leaseName };
  const lease: OperatorPair['lease'] = () => admin.get(ref);
  const holder = async () => (await lease().catch(() => undefined))?.spec.holderIdentity;
  const waitForHolder = async (identity: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await holder()) === identity) return Date.now();
      await sleep(100);
    }
    throw new Error(`${identity} did not take the lease within ${timeoutMs} ms (holder: ${await holder()})`);
  };
  return { holder, waitForHolder, lease };
}

/**
 * Runs `body` with two replicas of an operator watching a namespace of their own, each through its own fault proxy,
 * and the workload simulator: `a` is started first and holds the Lease, then `b` is started and has logged that it
 * saw the leader. On failure the error carries the end of both replicas' output. Both are killed (if still running),
 * their proxies closed and the simulator stopped, whatever happened.
 */
export async function withOperatorPair(
  options: OperatorPairOptions,
  body: (pair: OperatorPair) => Promise<void>,
): Promise<void> {
  const {
    kubeConfig,
    prefix,
    leaseName,
    leaderObserved = 'new leader observed',
    simulator: simulatorOptions,
  } = options;
  const namespace = await createTestNamespace(kubeConfig, prefix);
  const admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
  const lease = leaseReader(admin, namespace, leaseName);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const stopSimulator = new AbortController();
  const simulator = simulateWorkloads(kubeConfig, namespace, stopSimulator.signal, simulatorOptions);
  const replica = async (identity: string) =>
    spawnReplica(options, dir, namespace, identity, await createFaultProxy({ kubeConfig, logLimit: 200_000 }));
  const a = await replica('operator-a');
  let b: OperatorProcess | undefined;
  try {
    await lease.waitForHolder('operator-a', 30_000);
    b = await replica('operator-b');
    // The standby is up and watching the lease before anything happens (process start is slow on a busy machine).
    const standby = b;
    await waitUntil('operator-b observed the leader', () => standby.output.join('').includes(leaderObserved));
    await body({ namespace, a, b, ...lease });
  } catch (err) {
    const tail = (p: OperatorProcess | undefined) => p?.output.join('').slice(-3000);
    throw new Error(`${(err as Error).message}\n--- operator-a ---\n${tail(a)}\n--- operator-b ---\n${tail(b)}`, {
      cause: err,
    });
  } finally {
    for (const p of [a, b]) if (p !== undefined) await stopReplica(p);
    stopSimulator.abort();
    await simulator;
    admin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One write of cluster state a replica made: when it started and ended (ms), and what it was. */
export interface WriteWindow {
  readonly start: number;
  readonly end: number;
  readonly what: string;
}

/** The writes of cluster state (not its Lease) a replica made; one still open ends at `killedAt`. */
export const writeWindows = (proxy: FaultProxy, killedAt = Number.POSITIVE_INFINITY): WriteWindow[] =>
  writesOf(proxy.log).map((r) => ({
    start: r.time.getTime(),
    end: r.durationMs === undefined ? killedAt : r.time.getTime() + r.durationMs,
    what: `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''} ${r.name} -> ${r.status}`,
  }));

/** Throws (listing them) unless every write of `after` started once every write of `before` had ended. */
export function expectNoOverlap(before: readonly WriteWindow[], after: readonly WriteWindow[]): void {
  const lastEnd = Math.max(...before.map((w) => w.end));
  const overlapping = after.filter((w) => w.start < lastEnd);
  const late = before.filter((w) => w.end > Math.min(...after.map((x) => x.start)));
  if (overlapping.length > 0 || late.length > 0)
    throw new Error(`two leaders wrote at once: ${JSON.stringify({ overlapping, late }, null, 1)}`);
}

/** When a replica's leader election last wrote its Lease, as far as the API server accepted it (ms); throws if never. */
export function lastLeaseWrite(p: OperatorProcess): number {
  const writes = p.proxy.log.filter(
    (r) => r.resource === 'leases' && (r.verb === 'create' || r.verb === 'update') && committed(r),
  );
  if (writes.length === 0) throw new Error('the replica never wrote its Lease');
  return Math.max(...writes.map((r) => r.time.getTime()));
}

/** When a replica's first write of cluster state arrived (ms); throws when it wrote nothing. */
export function firstWrite(p: OperatorProcess): number {
  const writes = writesOf(p.proxy.log);
  if (writes.length === 0) throw new Error('the replica wrote no cluster state');
  return Math.min(...writes.map((r) => r.time.getTime()));
}

/** Resolves with a replica's exit code, or throws after `timeoutMs`. */
export async function exitOf(p: OperatorProcess, timeoutMs: number): Promise<number | null> {
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
