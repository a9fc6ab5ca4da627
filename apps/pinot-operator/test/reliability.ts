/**
 * The reliability suite's tools: 4-node Pinot clusters, a stand-in for the workload controllers and kubelets, and
 * the convergence check every fault scenario ends with ("every CR converges to the expected children and status").
 *
 * The check recomputes each CR's desired children from its live spec and compares the desired-state hash on every
 * live child, so a change whose event was lost (the operator runs with a 10-minute RECONCILE_WAIT, so nothing
 * periodic papers over a lost event) shows up as a stale child by name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { controllerRef } from '@dsoi/builder';
import { type Client, createClient, type KubeObject, NotFoundError } from '@dsoi/client';
import type { CustomResourceDefinitionObject } from '@dsoi/envtest';
import { markWorkloadReady } from '@dsoi/envtest/testing';
import { type HashableObject, readHash, stampHash } from '@dsoi/hash';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { desiredPinotChildren } from '../src/cluster/desiredChildren.ts';
import { pinotType } from '../src/operator.ts';

/** The committed CRD files (deploy/crds), parsed. */
export function pinotCrdObjects(): CustomResourceDefinitionObject[] {
  const dir = join(import.meta.dirname, '..', 'deploy', 'crds');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => parse(readFileSync(join(dir, file), 'utf8')) as CustomResourceDefinitionObject);
}

const basic = parse(readFileSync(join(import.meta.dirname, '..', 'examples', 'pinot-basic.yaml'), 'utf8'));

/**
 * The example cluster (controller, broker, server, minion StatefulSets, each with a Service and a config), node names
 * prefixed with the cluster name so that several clusters share a namespace, with a
 * `revision` line in every node type's config: changing the revision rolls all four workloads, in deploymentOrder.
 */
export function fourNodePinot(namespace: string, name: string, revision = 1): KubeObject & { spec: any } {
  const cr = structuredClone(basic);
  cr.metadata = { name, namespace };
  // Workload and Service names come from the node names (as in the Go operator), so each cluster gets its own.
  for (const node of cr.spec.nodes) node.name = `${name}-${node.nodeType}`;
  for (const group of cr.spec.pinotNodeConfig) group.data = `${group.data}\n# revision=${revision}`;
  return cr;
}

/** Sets the revision of a live CR's configs (see {@link fourNodePinot}). */
export function withRevision<T extends { spec: any }>(cr: T, revision: number): T {
  const next = structuredClone(cr);
  for (const group of next.spec.pinotNodeConfig)
    group.data = group.data.replace(/# revision=\d+$/, `# revision=${revision}`);
  return next;
}

const workloadKinds = [
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
] as const;

/** Options of {@link simulateWorkloads}. */
export interface SimulatorOptions {
  /** Time between two rounds. @default 300 */
  readonly intervalMs?: number;
  /** While it returns true, nothing is marked ready: a rollout that started stays in flight. @default never */
  readonly held?: () => boolean;
}

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
      if (held()) {
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
        continue;
      }
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
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    admin.close();
  })();
}

interface LivePinot extends KubeObject {
  spec: any;
  metadata: { name: string; namespace: string; uid: string; generation: number };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason?: string }[] };
}

const childKinds = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
] as const;

/**
 * What keeps each CR of the namespace from being converged (`[]` when its status is current and Ready and every
 * child exists at its desired hash). Reads everything with one list per kind, so it scales to hundreds of CRs.
 */
export async function convergenceProblems(
  admin: Client,
  namespace: string,
  names: readonly string[],
): Promise<Map<string, string[]>> {
  const crs = new Map(
    (await admin.listAll<LivePinot>(pinotType, { namespace })).items.map((cr) => [cr.metadata.name, cr] as const),
  );
  const live = new Map<string, KubeObject>();
  for (const type of childKinds) {
    for (const child of (await admin.listAll(type, { namespace })).items)
      live.set(`${type.kind}/${child.metadata!.name}`, child);
  }
  const report = new Map<string, string[]>();
  for (const name of names) {
    const cr = crs.get(name);
    const problems: string[] = [];
    report.set(name, problems);
    if (cr === undefined) {
      problems.push('the CR does not exist');
      continue;
    }
    if (cr.status?.observedGeneration !== cr.metadata.generation)
      problems.push(
        `status.observedGeneration ${cr.status?.observedGeneration} != generation ${cr.metadata.generation}`,
      );
    const ready = cr.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True') problems.push(`Ready is ${ready?.status ?? 'absent'} (${ready?.reason ?? ''})`);
    const ownerRef = controllerRef(cr as Parameters<typeof controllerRef>[0]);
    for (const { object } of desiredPinotChildren(cr).children) {
      const owned = { ...object, metadata: { ...object.metadata, ownerReferences: [ownerRef] } };
      const want = readHash(stampHash(owned as Parameters<typeof stampHash>[0]) as HashableObject);
      const key = `${object.kind}/${object.metadata!.name}`;
      const child = live.get(key);
      if (child === undefined) problems.push(`${key} missing`);
      else if (readHash(child as HashableObject) !== want) problems.push(`${key} not at the desired spec`);
    }
  }
  return report;
}

/**
 * What is wrong with the children each named CR owns (`[]` when nothing): it must be the controller owner of exactly
 * its desired children, each once, and of nothing else (a retried create must not leave a second one).
 */
export async function childrenProblems(
  admin: Client,
  namespace: string,
  names: readonly string[],
): Promise<Map<string, string[]>> {
  const crs = new Map(
    (await admin.listAll<LivePinot>(pinotType, { namespace })).items.map((cr) => [cr.metadata.name, cr] as const),
  );
  type Owned = KubeObject & { metadata: { ownerReferences?: { uid: string; controller?: boolean }[] } };
  const ownedBy = new Map<string, string[]>();
  for (const type of childKinds) {
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
    const owned = ownedBy.get(cr.metadata.uid) ?? [];
    const desired = desiredPinotChildren(cr).children.map(({ object }) => `${object.kind}/${object.metadata!.name}`);
    report.set(name, [
      ...desired.filter((key) => !owned.includes(key)).map((key) => `${key} missing`),
      ...owned.filter((key) => !desired.includes(key)).map((key) => `${key} is not desired`),
      ...owned.filter((key, i) => owned.indexOf(key) !== i).map((key) => `${key} twice`),
    ]);
  }
  return report;
}

/** The names of every child a live CR should have, for checking they are gone after it is deleted. */
export async function childRefsOf(admin: Client, namespace: string, name: string) {
  const cr = await admin.get<LivePinot>({ ...pinotType, namespace, name });
  return desiredPinotChildren(cr).children.map(({ object }) => ({
    apiVersion: object.apiVersion!,
    kind: object.kind!,
    namespace,
    name: object.metadata!.name!,
  }));
}

/**
 * What keeps each named CR from having a rollout in flight (`[]` when it has one): its status must describe the
 * current generation and wait on a node (Progressing, `waitingOn` set), and one of its StatefulSets must have been
 * rewritten without being rolled out yet (`status.observedGeneration` behind `metadata.generation`).
 */
export async function rolloutProblems(
  admin: Client,
  namespace: string,
  names: readonly string[],
): Promise<Map<string, string[]>> {
  const crs = new Map(
    (await admin.listAll<LivePinot>(pinotType, { namespace })).items.map((cr) => [cr.metadata.name, cr] as const),
  );
  type Workload = KubeObject & {
    metadata: { generation?: number; ownerReferences?: { uid: string }[] };
    status?: { observedGeneration?: number };
  };
  const workloads = (await admin.listAll<Workload>(workloadKinds[0], { namespace })).items;
  const report = new Map<string, string[]>();
  for (const name of names) {
    const cr = crs.get(name);
    const problems: string[] = [];
    report.set(name, problems);
    if (cr === undefined) {
      problems.push('the CR does not exist');
      continue;
    }
    const status = cr.status as (LivePinot['status'] & { waitingOn?: string }) | undefined;
    if (status?.observedGeneration !== cr.metadata.generation) problems.push('status is not at the new generation');
    const progressing = status?.conditions?.find((c) => c.type === 'Progressing');
    if (progressing?.status !== 'True' || !status?.waitingOn)
      problems.push(`not waiting on a node (Progressing ${progressing?.status} ${progressing?.reason ?? ''})`);
    const owned = workloads.filter((w) => w.metadata?.ownerReferences?.some((o) => o.uid === cr.metadata.uid));
    if (!owned.some((w) => w.status?.observedGeneration !== w.metadata.generation))
      problems.push('no StatefulSet is rewritten and waiting to roll out');
  }
  return report;
}

/** Polls until {@link rolloutProblems} finds none; on timeout throws an error listing them. */
export async function waitForRolloutInFlight(
  admin: Client,
  namespace: string,
  names: readonly string[],
  { timeoutMs = 60_000, intervalMs = 200 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let report: string[] = [];
  while (Date.now() < deadline) {
    report = [];
    for (const [name, problems] of await rolloutProblems(admin, namespace, names))
      if (problems.length > 0) report.push(`${name}: ${problems.join('; ')}`);
    if (report.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`no rollout in flight after ${timeoutMs} ms:\n  ${report.join('\n  ')}`);
}

/** Options of {@link waitForConvergence}. */
export interface ConvergenceExpectation {
  /** CRs that must exist and be converged. */
  readonly live: readonly string[];
  /** Children that must be gone (of deleted CRs; the garbage collector removes them). */
  readonly gone?: readonly { apiVersion: string; kind: string; namespace: string; name: string }[];
  /** @default 90_000 */
  readonly timeoutMs?: number;
  /** Time between checks. @default 1_000 */
  readonly intervalMs?: number;
}

/**
 * Polls until every expected CR is converged and every `gone` child is gone; on timeout throws an error listing
 * each CR's remaining problems.
 */
export async function waitForConvergence(
  admin: Client,
  namespace: string,
  { live, gone = [], timeoutMs = 90_000, intervalMs = 1_000 }: ConvergenceExpectation,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let report: string[] = [];
  while (Date.now() < deadline) {
    report = [];
    try {
      for (const [name, problems] of await convergenceProblems(admin, namespace, live))
        if (problems.length > 0) report.push(`${name}: ${problems.join('; ')}`);
      for (const ref of gone) {
        const exists = await admin.get(ref).then(
          () => true,
          (err: unknown) => !(err instanceof NotFoundError),
        );
        if (exists) report.push(`${ref.kind}/${ref.name} still exists after its CR was deleted`);
      }
    } catch (err) {
      report.push(`cannot read the state: ${(err as Error).message}`);
    }
    if (report.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`not converged after ${timeoutMs} ms:\n  ${report.slice(0, 20).join('\n  ')}`);
}
