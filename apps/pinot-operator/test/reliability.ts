/**
 * The reliability suite's Pinot side (the runner is @dsoi/chart-testing's): 4-node Pinot clusters and
 * the convergence check every fault scenario ends with ("every CR converges to the expected children and status").
 *
 * The check recomputes each CR's desired children from its live spec and compares the desired-state hash on every
 * live child, so a change whose event was lost (the operator runs with a 10-minute RECONCILE_WAIT, so nothing
 * periodic papers over a lost event) shows up as a stale child by name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { controllerRef } from '@dsoi/builder';
import { problemsOfEach } from '@dsoi/chart-testing';
import type { Client, KubeObject } from '@dsoi/client';
import { NotFoundError } from '@dsoi/client/errors';
import type { CustomResourceDefinitionObject } from '@dsoi/envtest';
import { type HashableObject, readHash, stampHash } from '@dsoi/hash';
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
  const live = new Map<string, KubeObject>();
  for (const type of childKinds) {
    for (const child of (await admin.listAll(type, { namespace })).items)
      live.set(`${type.kind}/${child.metadata!.name}`, child);
  }
  return problemsOfEach<LivePinot>(admin, { namespace, crType: pinotType, names }, (cr) => {
    const problems: string[] = [];
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
    return problems;
  });
}

/** The `Kind/name` of every child a live CR should control, for `ownedChildrenProblems`. */
export function desiredChildKeys(cr: KubeObject): string[] {
  return desiredPinotChildren(cr as Parameters<typeof desiredPinotChildren>[0]).children.map(
    ({ object }) => `${object.kind}/${object.metadata!.name}`,
  );
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
