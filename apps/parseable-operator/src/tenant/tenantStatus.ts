/**
 * The status of a ParseableTenant, computed from what a reconcile found (the Go operator wrote none): conditions
 * `Ready`, `Progressing`, `Degraded` and (after adopting the Go operator's children) `ImmutableFieldsDiffer`,
 * `observedGeneration`, the node the rollout waits on, and when the rollout
 * started and finished. Pure.
 */
import { type ChildrenReport, type Condition, isConditionTrue, setCondition, toMetaTime } from '@dsoi/reconcile';
import type { ParseableTenantStatus } from '../api/parseableTenant.ts';
import { describeProblems, type SpecProblem } from './specProblems.ts';

/** What a reconcile pass found. */
export type TenantOutcome =
  | { readonly kind: 'invalid'; readonly problems: readonly SpecProblem[] }
  | {
      readonly kind: 'applied';
      readonly report: ChildrenReport;
      /** Workload name → node name. */
      readonly nodeOfWorkload: ReadonlyMap<string, string>;
      /** Children that could not be written, as `Kind name: error`. */
      readonly failures: readonly string[];
      /** Data claims written this pass (outside `report`, since they are not owned). */
      readonly claimWrites: number;
    };

/** The condition types a tenant carries. */
export const tenantConditionTypes = Object.freeze({
  ready: 'Ready',
  progressing: 'Progressing',
  degraded: 'Degraded',
  immutableFieldsDiffer: 'ImmutableFieldsDiffer',
});

function nodeName(nodes: ReadonlyMap<string, string>, workload: string): string {
  const node = nodes.get(workload);
  return node ? `node ${node} (${workload})` : workload;
}

/**
 * The next status from the previous one and this pass's outcome. Fields to remove are `null`, so the result can be
 * merge-patched as it is.
 */
export function tenantStatus(
  previous: ParseableTenantStatus | undefined,
  outcome: TenantOutcome,
  generation: number,
  now = new Date(),
): Record<string, unknown> {
  let conditions = (previous?.conditions ?? []) as Condition[];
  const set = (type: string, status: Condition['status'], reason: string, message: string) => {
    conditions = setCondition(conditions, { type, status, reason, message, observedGeneration: generation }, now);
  };
  const { ready, progressing, degraded, immutableFieldsDiffer } = tenantConditionTypes;
  if (outcome.kind === 'invalid') {
    const message = describeProblems(outcome.problems);
    set(ready, 'False', 'InvalidSpec', message);
    set(degraded, 'True', 'InvalidSpec', message);
    return { observedGeneration: generation, conditions };
  }
  const { report, nodeOfWorkload, failures } = outcome;
  const writes = report.created.length + report.updated.length + report.deleted.length + outcome.claimWrites;
  const waitingOn = report.waitingOn
    ? `${nodeName(nodeOfWorkload, report.waitingOn.name)}: ${report.waitingOn.reason}`
    : undefined;
  const moving = writes > 0 || report.blocked.length > 0 || waitingOn !== undefined;
  // Fields another writer (the Go operator) set that cannot change in place (a Deployment's selector, a StatefulSet's
  // serviceName): the tenant runs with the live values, and differs from its spec until the user recreates the child
  // as the message says. Not a failure, so not Degraded.
  if (report.kept.length > 0) {
    const kept = report.kept.flatMap((child) =>
      child.fields.map(
        (f) =>
          `${nodeName(nodeOfWorkload, child.name)}: ${f.field} (at ${f.at}) kept the live value; to migrate: ${f.migrate}`,
      ),
    );
    set(immutableFieldsDiffer, 'True', 'LiveValueKept', kept.join('; '));
  } else if (previous?.conditions?.some((c) => c.type === immutableFieldsDiffer)) {
    set(immutableFieldsDiffer, 'False', 'AsDesired', 'every immutable field holds the desired value');
  }
  if (failures.length > 0) set(degraded, 'True', 'ApplyFailed', failures.join('; '));
  else set(degraded, 'False', 'AsExpected', 'every child was written');
  if (report.blocked.length > 0 && waitingOn) {
    const blocked = report.blocked.map((b) => nodeName(nodeOfWorkload, b.name)).join(', ');
    set(progressing, 'True', 'RolloutBlocked', `${blocked} waits for ${waitingOn}`);
  } else if (waitingOn) set(progressing, 'True', 'WaitingForReady', `waiting for ${waitingOn}`);
  else if (moving) set(progressing, 'True', 'Applying', `${writes} child(ren) written`);
  else set(progressing, 'False', 'RolloutComplete', 'every workload is ready and up to date');
  const isReady = report.converged && failures.length === 0 && outcome.claimWrites === 0;
  const notReadyReason = failures.length > 0 ? 'ApplyFailed' : 'RolloutInProgress';
  set(
    ready,
    isReady ? 'True' : 'False',
    isReady ? 'AllNodesReady' : notReadyReason,
    isReady ? 'every node is ready' : waitingOn ? `waiting for ${waitingOn}` : 'the rollout is in progress',
  );

  const wasMoving = isConditionTrue(previous?.conditions as Condition[] | undefined, progressing);
  const status: Record<string, unknown> = { observedGeneration: generation, conditions, waitingOn: waitingOn ?? null };
  if (moving && !wasMoving) {
    status.rolloutStartTime = toMetaTime(now);
    status.rolloutFinishTime = null;
  }
  if (!moving && wasMoving) status.rolloutFinishTime = toMetaTime(now);
  return status;
}
