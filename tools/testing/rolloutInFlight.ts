/**
 * "A rollout is in flight": the precondition of the fault cases that strike mid-rollout (the API server restarted, the
 * leader terminated), for any DSOI custom resource whose status is the library's `rolloutStatus`.
 */
import type { Client, KubeObject, TypeMeta } from '@dsoi/client';
import { problemsOfEach, waitUntil } from './faultScenario.ts';

/** Options of {@link rolloutProblems} and {@link waitForRolloutInFlight}. */
export interface RolloutInFlightOptions {
  readonly namespace: string;
  /** The custom resource's kind. */
  readonly crType: TypeMeta;
  /** The kind of its workloads that roll (StatefulSet for Pinot, Deployment for Parseable's examples). */
  readonly workloadType: TypeMeta;
  /** The CRs that must each have a rollout in flight. */
  readonly names: readonly string[];
}

interface LiveCr extends KubeObject {
  metadata: { name: string; uid: string; generation: number };
  status?: {
    observedGeneration?: number;
    waitingOn?: string;
    conditions?: { type: string; status: string; reason?: string }[];
  };
}

type Workload = KubeObject & {
  metadata: { generation?: number; ownerReferences?: { uid: string }[] };
  status?: { observedGeneration?: number };
};

/**
 * What keeps each named CR from having a rollout in flight (`[]` when it has one): its status must describe the
 * current generation and wait on a node (Progressing, `waitingOn` set), and one of its workloads must have been
 * rewritten without being rolled out yet (`status.observedGeneration` behind `metadata.generation`).
 */
export async function rolloutProblems(
  admin: Pick<Client, 'listAll'>,
  { namespace, crType, workloadType, names }: RolloutInFlightOptions,
): Promise<Map<string, string[]>> {
  const workloads = (await admin.listAll<Workload>(workloadType, { namespace })).items;
  return problemsOfEach<LiveCr>(admin, { namespace, crType, names }, (cr) => {
    const problems: string[] = [];
    const status = cr.status;
    if (status?.observedGeneration !== cr.metadata.generation) problems.push('status is not at the new generation');
    const progressing = status?.conditions?.find((c) => c.type === 'Progressing');
    if (progressing?.status !== 'True' || !status?.waitingOn)
      problems.push(`not waiting on a node (Progressing ${progressing?.status} ${progressing?.reason ?? ''})`);
    const owned = workloads.filter((w) => w.metadata?.ownerReferences?.some((o) => o.uid === cr.metadata.uid));
    if (!owned.some((w) => w.status?.observedGeneration !== w.metadata.generation))
      problems.push(`no ${workloadType.kind} is rewritten and waiting to roll out`);
    return problems;
  });
}

/** Polls until {@link rolloutProblems} finds none; on timeout throws an error listing them. */
export async function waitForRolloutInFlight(
  admin: Pick<Client, 'listAll'>,
  options: RolloutInFlightOptions & { readonly timeoutMs?: number },
): Promise<void> {
  let report: string[] = [];
  await waitUntil(
    'a rollout in flight',
    async () => {
      report = [];
      for (const [name, problems] of await rolloutProblems(admin, options))
        if (problems.length > 0) report.push(`${name}: ${problems.join('; ')}`);
      return report.length === 0;
    },
    options.timeoutMs ?? 60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}:\n  ${report.join('\n  ')}`);
  });
}
