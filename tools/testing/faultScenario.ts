/**
 * The fault-scenario runner both reference operators' fault suites share: a namespace, @dsoi/envtest's fault proxy in
 * front of the API server, a stand-in for the workload controllers and kubelets, and the operator under test talking
 * through the proxy; plus the checks every scenario ends with (writes the server committed, children owned once).
 */
import { type Client, createClient, type Live } from '@dsoi/client';
import {
  createFaultProxy,
  createTestNamespace,
  type FaultProxy,
  markWorkloadReady,
  type ProxyRequestRecord,
} from '@dsoi/envtest/testing';
import type { KubeObject, TypeMeta } from '@dsoi/object';
import { createLogger } from '@dsoi/reconcile';
import { type TestOperatorOptions, testOperatorDefaults } from '@dsoi/reconcile/testing';
import type { KubeConfig } from '@kubernetes/client-node';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; throws `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

/** Whether the API server accepted the logged request (a 2xx answer), whatever the client got. */
export const committed = (r: ProxyRequestRecord): boolean => {
  const status = r.upstreamStatus || r.status;
  return status >= 200 && status < 300;
};

/** Writes of cluster state in a proxy log: everything but Leases and access reviews (a create that stores nothing). */
export const writesOf = (log: readonly ProxyRequestRecord[]): ProxyRequestRecord[] =>
  log.filter(
    (r) =>
      ['create', 'update', 'patch', 'delete'].includes(r.verb) &&
      r.resource !== 'leases' &&
      r.resource !== 'selfsubjectaccessreviews',
  );

/** Options of {@link simulateWorkloads}. */
export interface SimulatorOptions {
  /** Time between two rounds. @default 300 */
  readonly intervalMs?: number;
  /** While it returns true, nothing is marked ready: a rollout that started stays in flight. @default never */
  readonly held?: () => boolean;
}

const workloadKinds = [
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
] as const;

/**
 * Stands in for the StatefulSet/Deployment controllers and kubelets that envtest does not run: every `intervalMs`,
 * each workload of the namespace whose status lags its generation is marked rolled out and ready (unless `held`).
 * Connection errors (an API server being restarted) are ignored; the loop ends with `signal`.
 */
export function simulateWorkloads(
  kubeConfig: KubeConfig,
  namespace: string,
  signal: AbortSignal,
  { intervalMs = 300, held = () => false }: SimulatorOptions = {},
): Promise<void> {
  const admin = createClient({ kubeConfig, fieldManager: 'kubelet-simulator' });
  return (async () => {
    while (!signal.aborted) {
      if (!held()) {
        try {
          for (const type of workloadKinds) {
            const { items } = await admin.list<KubeObject & { status?: { observedGeneration?: number } }>(type, {
              namespace,
            });
            const lagging = items.filter(
              (w) => w.status?.observedGeneration !== (w.metadata as { generation?: number }).generation,
            );
            // A few at a time, as a real cluster's controllers would.
            await Promise.all(
              Array.from({ length: 4 }, async () => {
                for (let w = lagging.shift(); w !== undefined; w = lagging.shift())
                  await markWorkloadReady(kubeConfig, { kind: type.kind, namespace, name: w.metadata!.name! });
              }),
            );
          }
        } catch {
          // The API server may be down on purpose; try again next round.
        }
      }
      await sleep(intervalMs);
    }
    admin.close();
  })();
}

/** What a scenario's body gets. */
export interface FaultScenario {
  /** The scenario's own namespace, the only one the operator watches. */
  readonly namespace: string;
  /** The proxy between the operator and the API server. */
  readonly proxy: FaultProxy;
  /** Throws when the operator stopped or failed on its own. */
  assertRunning(): void;
}

/** Options of {@link withFaultScenario}. */
export interface FaultScenarioOptions {
  /** The API server's KubeConfig (the proxy forwards to it; the simulator and namespace use it directly). */
  readonly kubeConfig: KubeConfig;
  /** Namespace name prefix. */
  readonly prefix: string;
  /** Runs the operator through `kubeConfig` (the proxy's), watching `namespace`, until `signal` aborts. */
  readonly startOperator: (kubeConfig: KubeConfig, namespace: string, signal: AbortSignal) => Promise<void>;
  /** Options of the workload simulator. @default its defaults */
  readonly simulator?: SimulatorOptions;
  /** Records the proxy keeps. @default 200_000 */
  readonly logLimit?: number;
}

/** The options a fault scenario runs an operator with (each reference operator's options take them). */
export interface ScenarioOperatorOptions extends TestOperatorOptions {
  /** Only the scenario's namespace. */
  readonly watchNamespaces: readonly string[];
}

/**
 * The `startOperator` of a scenario for an operator's factory: the operator watches only the scenario's namespace,
 * with RECONCILE_WAIT 10 minutes (only watch events bring changes in, so a lost one shows), probes and metrics off and
 * logs at `TEST_LOG_LEVEL` (default silent).
 */
export function scenarioOperator(
  create: (options: ScenarioOperatorOptions) => { start(signal: AbortSignal): Promise<void> },
): FaultScenarioOptions['startOperator'] {
  return (kubeConfig, namespace, signal) =>
    create({
      ...testOperatorDefaults,
      kubeConfig,
      watchNamespaces: [namespace],
      reconcileWaitMs: 600_000,
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    }).start(signal);
}

/**
 * Runs `body` with a namespace, a fault proxy, the workload simulator and the operator (through the proxy); checks
 * that the operator is still running when `body` returns, then stops everything, whatever happened.
 */
export async function withFaultScenario(
  options: FaultScenarioOptions,
  body: (scenario: FaultScenario) => Promise<void>,
): Promise<void> {
  const { kubeConfig, prefix, startOperator, simulator: simulatorOptions = {}, logLimit = 200_000 } = options;
  const namespace = await createTestNamespace(kubeConfig, prefix);
  const proxy = await createFaultProxy({ kubeConfig, logLimit });
  const stopSimulator = new AbortController();
  const simulator = simulateWorkloads(kubeConfig, namespace, stopSimulator.signal, simulatorOptions);
  const stop = new AbortController();
  let outcome: string | undefined;
  const run = startOperator(proxy.kubeConfig, namespace, stop.signal).then(
    () => {
      outcome = 'stopped on its own';
    },
    (err: Error) => {
      outcome = `failed: ${err.stack ?? err.message}`;
    },
  );
  const assertRunning = () => {
    if (outcome !== undefined && !stop.signal.aborted) throw new Error(`the operator ${outcome}`);
  };
  try {
    await body({ namespace, proxy, assertRunning });
    assertRunning();
  } finally {
    stop.abort();
    await run;
    stopSimulator.abort();
    await simulator;
    await proxy.close();
  }
}

/**
 * `check(cr)` for each named CR of `crType` in `namespace` (one list), `['the CR does not exist']` for a missing one:
 * the shape of the per-CR reports the fault suites wait on.
 */
export async function problemsOfEach<TCr extends KubeObject>(
  admin: Pick<Client, 'listAll'>,
  {
    namespace,
    crType,
    names,
  }: { readonly namespace: string; readonly crType: TypeMeta; readonly names: readonly string[] },
  check: (cr: Live<TCr>) => string[],
): Promise<Map<string, string[]>> {
  const crs = new Map((await admin.listAll<TCr>(crType, { namespace })).items.map((cr) => [cr.metadata?.name, cr]));
  return new Map(
    names.map((name) => {
      const cr = crs.get(name);
      return [name, cr === undefined ? ['the CR does not exist'] : check(cr)];
    }),
  );
}

/**
 * What is wrong with the children each named CR controls (`[]` when nothing): it must be the controller owner of
 * exactly `desired(cr)` (`Kind/name` keys), each once, and of nothing else: a create retried after its response was
 * lost must not leave a second child.
 */
export async function ownedChildrenProblems(
  admin: Pick<Client, 'listAll'>,
  options: {
    readonly namespace: string;
    readonly crType: TypeMeta;
    readonly childTypes: readonly TypeMeta[];
    readonly names: readonly string[];
    readonly desired: (cr: KubeObject) => readonly string[];
  },
): Promise<Map<string, string[]>> {
  const { namespace, crType, childTypes, names, desired } = options;
  type Owned = KubeObject & { metadata: { ownerReferences?: { uid: string; controller?: boolean }[] } };
  const crs = new Map((await admin.listAll(crType, { namespace })).items.map((cr) => [cr.metadata?.name, cr]));
  const ownedBy = new Map<string, string[]>();
  for (const type of childTypes) {
    for (const child of (await admin.listAll<Owned>(type, { namespace })).items) {
      const owner = child.metadata.ownerReferences?.find((ref) => ref.controller)?.uid ?? '';
      ownedBy.set(owner, [...(ownedBy.get(owner) ?? []), `${type.kind}/${child.metadata.name}`]);
    }
  }
  const report = new Map<string, string[]>();
  for (const name of names) {
    const cr = crs.get(name);
    if (cr === undefined) {
      report.set(name, ['the CR does not exist']);
      continue;
    }
    const owned = ownedBy.get(cr.metadata?.uid ?? '') ?? [];
    const want = desired(cr);
    report.set(name, [
      ...want.filter((key) => !owned.includes(key)).map((key) => `${key} missing`),
      ...owned.filter((key) => !want.includes(key)).map((key) => `${key} is not desired`),
      ...owned.filter((key, i) => owned.indexOf(key) !== i).map((key) => `${key} twice`),
    ]);
  }
  return report;
}
