/**
 * One operator alone on a fresh control plane, as issue #9 describes it: N custom resources exist before the operator
 * starts (one namespace each); then time until every child exists, API requests by verb (kube-apiserver's metrics),
 * the readiness a kubelet would report, requests per minute once converged, the time from a spec change on one CR to
 * its updated children, peak RSS and CPU seconds of the operator process.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, createClient, type KindRegistration } from '@dsoi/client';
import { startControlPlane } from '@dsoi/envtest';
import { createFaultProxy } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import { type OperatorCommand, type OperatorProcess, startOperator } from '@dsoi/peers';
import {
  createRequestTally,
  type RequestsByVerb,
  type RequestTally,
  scrapeApiServerRequests,
  subtractRequests,
} from './apiServerMetrics.ts';
import { benchKinds, type OperatorCase } from './operatorCases.ts';

/** Scale of one run. */
export interface ScenarioOptions {
  readonly crs: number;
  /** How long requests are counted once converged. */
  readonly observeMs: number;
  /** Start the operator once on the empty cluster first to read its floor RSS. @default true */
  readonly floor?: boolean;
  /**
   * Send the operator's requests through a counting proxy on 127.0.0.1 (`createFaultProxy` of `@dsoi/envtest`, no
   * faults) to read its peak of requests in flight (watches not counted).
   */
  readonly countInFlight?: boolean;
  /** After the single change, change every CR at once and time until each CR's children are updated. */
  readonly changeAll?: boolean;
}

/** Which operator runs, with which CRDs and environment. */
export interface OperatorRun {
  readonly command: OperatorCommand;
  /** The CRDs installed before the CRs are created: the operator's own. */
  readonly crdDir: string;
  /** Its environment (`RECONCILE_WAIT`, ...), on top of the benchmark's. */
  readonly env: Readonly<Record<string, string>>;
  /** Called at each phase with the operator's pid (the `--profile` mode of the benchmark: snapshots, CPU profiles). */
  readonly onPhase?: (phase: ScenarioPhase, pid: number) => Promise<void>;
}

/** The moments of a run a profiler can hook into. */
export type ScenarioPhase = 'children' | 'steady-start' | 'steady-end';

/** The first and last child the spec change updated, with the time after the patch. */
export interface ChangeResult {
  readonly first: { readonly child: string; readonly ms: number };
  readonly last: { readonly child: string; readonly ms: number };
  readonly updated: number;
}

/** What one run measured. */
export interface ScenarioResult {
  readonly childrenPerCr: number;
  /** From the operator's start until every child of every CR exists. */
  readonly childrenMs: number;
  /** Requests from start until the child count had settled (3 s after the last child appeared). */
  readonly childrenRequests: RequestsByVerb;
  /** CPU seconds of the operator when the last child appeared. */
  readonly childrenCpuSeconds: number;
  /**
   * From the workloads reading ready until every CR says Ready=True; `no-status` when no CR holds any condition
   * 15 s after (the Go operators write no status), `timeout` if not within 2 min.
   */
  readonly readyMs: number | 'no-status' | 'timeout';
  readonly steadyRequests: RequestsByVerb;
  readonly steadyCpuSeconds: number;
  readonly change: ChangeResult | undefined;
  /** From start to exit, watches included (kube-apiserver counts a watch when it ends). */
  readonly totalRequests: RequestsByVerb;
  /** The operator's own count (`rest_client_requests_total`) just before it stopped. */
  readonly clientRequests: number | undefined;
  readonly peakRssBytes: number;
  /** Peak RSS when every child existed (the initial burst), and the resident set at the end of the quiet minute. */
  readonly childrenPeakRssBytes: number;
  readonly steadyRssBytes: number;
  /** Resident set of a start with no CR at all (the floor: runtime, code, empty caches); not in profile mode. */
  readonly floorRssBytes: number | undefined;
  /** The machine's 1-minute load average when the operator started and when it stopped (a shared machine drifts). */
  readonly load: { readonly start: number; readonly end: number };
  readonly cpuSeconds: number;
  /** Peak of the operator's non-watch requests in flight at once, from its start (with `countInFlight`). */
  readonly maxInFlight: number | undefined;
  /** From patching every CR at once until each CR's children were updated (with `changeAll`). */
  readonly changeAllMs: number | undefined;
}

/**
 * The operator's resident set on a cluster without CRs, 5 s after its metrics endpoint first answered (so a slow
 * start on a loaded machine is not read half-loaded); it is stopped again.
 */
async function measureFloor(run: OperatorRun, kubeconfig: string, logFile: string): Promise<number> {
  const operator = await startOperator(run.command, { kubeconfig, logFile, env: run.env });
  try {
    const up = async () => {
      for (let waited = 0; waited < 60_000 && (await operator.clientRequests()) === undefined; waited += 200) {
        await sleep(200);
      }
      await sleep(5_000);
    };
    await Promise.race([up(), operator.crashed]);
    return residentBytes(operator.pid);
  } finally {
    await operator.stop();
    await sleep(1_000); // its closed watches land in kube-apiserver's counts before the run's first scrape
  }
}

/** The current resident set of a process (`VmRSS`), 0 once it is gone. */
function residentBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const pollMs = 200;

async function inBatches<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += concurrency) await Promise.all(items.slice(i, i + concurrency).map(fn));
}

/** Objects of `kinds` in the whole cluster, from one `limit=1` page each (`remainingItemCount`): cheap to poll. */
async function countAll(client: Client, kinds: readonly KindRegistration[]): Promise<number> {
  let total = 0;
  for (const kind of kinds) {
    const page = await client.list(kind, { limit: 1 });
    total += page.items.length + ((page.metadata as { remainingItemCount?: number }).remainingItemCount ?? 0);
  }
  return total;
}

/** Children per CR namespace (every namespace of `namespaces` listed, 0 if none). */
async function countPerNamespace(client: Client, kinds: readonly KindRegistration[], namespaces: readonly string[]) {
  const counts = new Map(namespaces.map((ns) => [ns, 0]));
  for (const kind of kinds) {
    for (const item of (await client.list(kind)).items) {
      const ns = item.metadata?.namespace ?? '';
      if (counts.has(ns)) counts.set(ns, counts.get(ns)! + 1);
    }
  }
  return counts;
}

/**
 * Polls the cluster-wide count until it stops growing for 3 s and every CR namespace holds the same number of
 * children (the count of one converged CR); returns that number and when the final total was first seen.
 */
async function waitForChildren(
  client: Client,
  c: OperatorCase,
  namespaces: readonly string[],
  operator: { startedAt: number; readonly cpuSeconds: () => number },
) {
  const { startedAt } = operator;
  const baseline = await countAll(client, c.childKinds);
  let total = baseline;
  let reachedAt = performance.now();
  let cpuSeconds = 0;
  for (;;) {
    await sleep(pollMs);
    const now = await countAll(client, c.childKinds);
    if (now !== total) [total, reachedAt, cpuSeconds] = [now, performance.now(), operator.cpuSeconds()];
    if (performance.now() - startedAt > 10 * 60_000) {
      const perNamespace = [...(await countPerNamespace(client, c.childKinds, namespaces)).values()];
      throw new Error(`children per CR after 10 min: ${perNamespace.join(', ')} (never all equal and non-zero)`);
    }
    if (total === baseline || performance.now() - reachedAt < 3_000) continue;
    const perNamespace = [...(await countPerNamespace(client, c.childKinds, namespaces)).values()];
    if (perNamespace.every((n) => n === perNamespace[0]) && perNamespace[0]! > 0) {
      return { childrenPerCr: perNamespace[0]!, childrenMs: reachedAt - startedAt, cpuSeconds };
    }
  }
}

/** What a kubelet and the workload controllers would report (envtest runs neither): every workload ready. */
async function markWorkloadsReady(client: Client, namespaces: ReadonlySet<string>) {
  for (const kind of benchKinds.filter((k) => k.apiVersion === 'apps/v1')) {
    const workloads = (await client.list(kind)).items.filter((w) => namespaces.has(w.metadata?.namespace ?? ''));
    await inBatches(workloads, 10, (w) => {
      const replicas = (w as { spec?: { replicas?: number } }).spec?.replicas ?? 1;
      const counts = {
        observedGeneration: (w.metadata as { generation?: number }).generation,
        replicas,
        readyReplicas: replicas,
        updatedReplicas: replicas,
        availableReplicas: replicas,
      };
      const status =
        kind.kind === 'StatefulSet'
          ? { ...counts, currentReplicas: replicas, currentRevision: 'r1', updateRevision: 'r1' }
          : { ...counts, conditions: [{ type: 'Available', status: 'True' }] };
      return client.patchStatus({ ...kind, ...w }, { type: 'merge', body: { status } });
    });
  }
}

/** Polls the CRs until each says Ready=True; gives up after 2 min, or after 15 s if no CR has any condition. */
async function waitForReady(
  client: Client,
  c: OperatorCase,
  namespaces: ReadonlySet<string>,
): Promise<number | 'no-status' | 'timeout'> {
  const t0 = performance.now();
  for (;;) {
    const crs = (await client.list(c.crKind)).items.filter((o) => namespaces.has(o.metadata?.namespace ?? ''));
    const conditions = crs.map(
      (o) => (o as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? [],
    );
    if (conditions.every((list) => list.some((cond) => cond.type === 'Ready' && cond.status === 'True'))) {
      return performance.now() - t0;
    }
    const elapsed = performance.now() - t0;
    if (elapsed > 15_000 && conditions.every((list) => list.length === 0)) return 'no-status';
    if (elapsed > 120_000) return 'timeout';
    await sleep(pollMs);
  }
}

/** Patches one config value of one CR and times its children's updates (resourceVersion changes). */
async function measureChange(client: Client, c: OperatorCase, namespace: string): Promise<ChangeResult | undefined> {
  const versions = async () => {
    const result = new Map<string, string>();
    for (const kind of c.childKinds) {
      for (const item of (await client.list(kind, { namespace })).items) {
        result.set(`${kind.kind} ${item.metadata?.name}`, item.metadata?.resourceVersion ?? '');
      }
    }
    return result;
  };
  const before = await versions();
  const cr = await client.get<KubeObject & { spec: Record<string, unknown> }>({
    ...c.crKind,
    name: namespace,
    namespace,
  });
  const t0 = performance.now();
  await client.patch(cr, { type: 'merge', body: { spec: c.changeSpec(cr.spec, String(Date.now())) } });
  const updated = new Map<string, number>();
  for (;;) {
    const now = await versions();
    const at = performance.now() - t0;
    for (const [child, version] of now) {
      if (before.get(child) !== version && !updated.has(child)) updated.set(child, at);
    }
    const latest = Math.max(0, ...updated.values());
    if ((updated.size > 0 && at - latest > 2_000) || at > 60_000) break;
    await sleep(20);
  }
  if (updated.size === 0) return undefined;
  const ordered = [...updated].sort((a, b) => a[1] - b[1]);
  const [first, last] = [ordered[0]!, ordered.at(-1)!];
  return { first: { child: first[0], ms: first[1] }, last: { child: last[0], ms: last[1] }, updated: ordered.length };
}

/** A checkpoint: kube-apiserver's counts and the benchmark's own at the same moment (nothing in flight). */
async function checkpoint(plane: { kubeConfig: Parameters<typeof scrapeApiServerRequests>[0] }, tally: RequestTally) {
  // kube-apiserver counts a request after it wrote the response: let the benchmark's last one land first.
  await sleep(250);
  return { server: await scrapeApiServerRequests(plane.kubeConfig), bench: tally.snapshot() };
}

/** The operator's requests between two checkpoints: the server's count minus the benchmark's own. */
function operatorRequests(from: Awaited<ReturnType<typeof checkpoint>>, to: Awaited<ReturnType<typeof checkpoint>>) {
  return subtractRequests(subtractRequests(to.server, from.server), subtractRequests(to.bench, from.bench));
}

/**
 * Every CR's config changed at once (as a rollout of a new setting across a fleet would): the time from the first
 * patch until each CR's namespace holds the same number (> 0) of updated children, stable for 3 s.
 */
async function measureChangeAll(client: Client, c: OperatorCase, namespaces: readonly string[]): Promise<number> {
  const inScope = new Set(namespaces);
  const versions = async () => {
    const result = new Map<string, { namespace: string; version: string }>();
    for (const kind of c.childKinds) {
      for (const item of (await client.list(kind)).items) {
        const namespace = item.metadata?.namespace ?? '';
        const key = `${namespace}/${kind.kind}/${item.metadata?.name}`;
        if (inScope.has(namespace)) result.set(key, { namespace, version: item.metadata?.resourceVersion ?? '' });
      }
    }
    return result;
  };
  const before = await versions();
  const t0 = performance.now();
  const stamp = String(Date.now());
  await inBatches(namespaces, 16, async (namespace) => {
    const cr = await client.get<KubeObject & { spec: Record<string, unknown> }>({
      ...c.crKind,
      name: namespace,
      namespace,
    });
    await client.patch(cr, { type: 'merge', body: { spec: c.changeSpec(cr.spec, stamp) } });
  });
  let [total, changedAt] = [-1, t0];
  for (;;) {
    await sleep(1_000);
    const perNamespace = new Map(namespaces.map((ns) => [ns, 0]));
    for (const [key, now] of await versions()) {
      if (before.get(key)?.version !== now.version)
        perNamespace.set(now.namespace, perNamespace.get(now.namespace)! + 1);
    }
    const counts = [...perNamespace.values()];
    const sum = counts.reduce((a, b) => a + b, 0);
    if (sum !== total) [total, changedAt] = [sum, performance.now()];
    if (counts.every((n) => n === counts[0] && n > 0) && performance.now() - changedAt >= 3_000) return changedAt - t0;
    if (performance.now() - t0 > 10 * 60_000) {
      throw new Error(`children updated per CR 10 min after changing every CR: ${[...new Set(counts)].join(', ')}`);
    }
  }
}

/** The control plane, the benchmark's client and the kubeconfig file the operator gets (the proxy's, if counting). */
async function openEnvironment(c: OperatorCase, run: OperatorRun, options: ScenarioOptions) {
  const plane = await startControlPlane({ crds: [run.crdDir] });
  const dir = mkdtempSync(join(tmpdir(), 'dsoi-bench-operator-'));
  const tally = createRequestTally();
  const client = createClient({
    kubeConfig: plane.kubeConfig,
    fieldManager: 'bench',
    kinds: [...benchKinds, c.crKind],
    onRequest: tally.onRequest,
    userAgent: 'dsoi-bench',
  });
  const proxy = options.countInFlight
    ? await createFaultProxy({ kubeConfig: plane.kubeConfig, logLimit: 0 })
    : undefined;
  let kubeconfig = plane.kubeconfigPath;
  if (proxy) {
    kubeconfig = join(dir, 'proxy.kubeconfig');
    writeFileSync(kubeconfig, proxy.kubeConfig.exportConfig());
  }
  const close = async () => {
    client.close();
    await proxy?.close();
    await plane.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { plane, dir, tally, client, proxy, kubeconfig, close };
}

/** One namespace per CR (`<title>-<i>`), each holding its CR, created before the operator starts. */
async function createCrs(client: Client, c: OperatorCase, count: number): Promise<string[]> {
  const namespaces = Array.from({ length: count }, (_, i) => `${c.title.toLowerCase()}-${i}`);
  await inBatches(namespaces, 10, async (ns) => {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await client.create(c.cr(ns, ns));
  });
  return namespaces;
}

/** Runs the scenario for one operator on a fresh control plane holding only that operator's CRDs. */
export async function runScenario(
  c: OperatorCase,
  run: OperatorRun,
  options: ScenarioOptions,
): Promise<ScenarioResult> {
  const env = await openEnvironment(c, run, options);
  const { plane, tally, client } = env;
  let operator: OperatorProcess | undefined;
  try {
    const floorRssBytes =
      run.onPhase || options.floor === false
        ? undefined
        : await measureFloor(run, env.kubeconfig, join(env.dir, 'floor.log'));
    const namespaces = await createCrs(client, c, options.crs);
    const namespaceSet = new Set(namespaces);
    const start = await checkpoint(plane, tally);
    const startLoad = loadavg()[0]!;
    env.proxy?.resetStats();
    const startedAt = performance.now();
    operator = await startOperator(run.command, {
      kubeconfig: env.kubeconfig,
      logFile: join(env.dir, 'operator.log'),
      env: run.env,
    });
    const guard = <T>(work: Promise<T>) => Promise.race([work, operator!.crashed]);

    const running = operator;
    const waited = await guard(
      waitForChildren(client, c, namespaces, { startedAt, cpuSeconds: () => running.cpuSeconds() }),
    );
    const children = await checkpoint(plane, tally);
    const childrenPeakRssBytes = operator.peakRssBytes();
    await run.onPhase?.('children', operator.pid);

    await guard(markWorkloadsReady(client, namespaceSet));
    const readyMs = await guard(waitForReady(client, c, namespaceSet));
    await run.onPhase?.('steady-start', operator.pid);
    const steadyFrom = await checkpoint(plane, tally);
    const steadyCpuFrom = operator.cpuSeconds();
    await guard(sleep(options.observeMs));
    const steadyTo = await checkpoint(plane, tally);
    const steadyCpuSeconds = operator.cpuSeconds() - steadyCpuFrom;
    const steadyRssBytes = residentBytes(operator.pid);
    await run.onPhase?.('steady-end', operator.pid);

    const change = await guard(measureChange(client, c, namespaces[0]!));
    const changeAllMs = options.changeAll ? await guard(measureChangeAll(client, c, namespaces)) : undefined;
    const clientRequests = await operator.clientRequests();
    const final = await operator.stop();
    operator = undefined;
    await sleep(1_000); // kube-apiserver records each closed watch when its handler returns
    const end = await checkpoint(plane, tally);
    return {
      childrenPerCr: waited.childrenPerCr,
      childrenMs: waited.childrenMs,
      childrenRequests: operatorRequests(start, children),
      childrenCpuSeconds: waited.cpuSeconds,
      readyMs,
      steadyRequests: operatorRequests(steadyFrom, steadyTo),
      steadyCpuSeconds,
      change,
      totalRequests: operatorRequests(start, end),
      clientRequests,
      peakRssBytes: final.peakRssBytes,
      childrenPeakRssBytes,
      steadyRssBytes,
      floorRssBytes,
      load: { start: startLoad, end: loadavg()[0]! },
      cpuSeconds: final.cpuSeconds,
      maxInFlight: env.proxy?.stats().maxInFlight,
      changeAllMs,
    };
  } finally {
    await operator?.stop();
    await env.close();
  }
}
