/**
 * The status of a DSOI custom resource, computed from what a reconcile pass found: conditions `Ready`, `Progressing`,
 * `Degraded` and (after adopting children another writer made) `ImmutableFieldsDiffer`, `observedGeneration`, the
 * node the rollout waits on, and when the rollout started and finished. Pure.
 */

import type { ChildrenReport } from '../children/reconcileChildren.js';
import { type Condition, isConditionTrue, setCondition, toMetaTime } from '../controller/conditions.js';
import { describeProblems, type SpecProblem } from './specProblems.js';

/** What one pass of the DSOI reconciler found. */
export type DsoiOutcome =
  | { readonly kind: 'invalid'; readonly problems: readonly SpecProblem[] }
  | {
      readonly kind: 'applied';
      readonly report: ChildrenReport;
      /** Workload name → node name, for messages that name the node. */
      readonly nodeOfWorkload: ReadonlyMap<string, string>;
      /** Children that could not be written, as `Kind name: error`. */
      readonly failures: readonly string[];
    };

/** The condition types {@link rolloutStatus} sets. */
export const rolloutConditionTypes = Object.freeze({
  ready: 'Ready',
  progressing: 'Progressing',
  degraded: 'Degraded',
  immutableFieldsDiffer: 'ImmutableFieldsDiffer',
});

/** The status fields {@link rolloutStatus} reads from the previous status. */
export interface RolloutStatusInput {
  readonly conditions?: readonly Condition[] | undefined;
}

function nodeName(nodes: ReadonlyMap<string, string>, workload: string): string {
  const node = nodes.get(workload);
  return node ? `node ${node} (${workload})` : workload;
}

type SetCondition = (type: string, status: Condition['status'], reason: string, message: string) => void;

/** Immutable fields another writer set: the CR runs with the live values until the user migrates the child. */
function keptFields(set: SetCondition, previous: RolloutStatusInput | undefined, outcome: AppliedOutcome): void {
  const { immutableFieldsDiffer } = rolloutConditionTypes;
  const { report, nodeOfWorkload } = outcome;
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
}

type AppliedOutcome = Extract<DsoiOutcome, { kind: 'applied' }>;

/**
 * The next status from the previous one and this pass's outcome. Fields to remove are `null`, so the result can be
 * merge-patched as it is (`updateStatus`). `lastTransitionTime` moves only when a condition's status changes.
 */
export function rolloutStatus(
  previous: RolloutStatusInput | undefined,
  outcome: DsoiOutcome,
  generation: number,
  now = new Date(),
): Record<string, unknown> {
  let conditions = [...(previous?.conditions ?? [])];
  const set: SetCondition = (type, status, reason, message) => {
    conditions = setCondition(conditions, { type, status, reason, message, observedGeneration: generation }, now);
  };
  const { ready, progressing, degraded } = rolloutConditionTypes;
  if (outcome.kind === 'invalid') {
    const message = describeProblems(outcome.problems);
    set(ready, 'False', 'InvalidSpec', message);
    set(degraded, 'True', 'InvalidSpec', message);
    return { observedGeneration: generation, conditions };
  }
  const { report, nodeOfWorkload, failures } = outcome;
  const writes = report.created.length + report.updated.length + report.deleted.length;
  const waitingOn = report.waitingOn
    ? `${nodeName(nodeOfWorkload, report.waitingOn.name)}: ${report.waitingOn.reason}`
    : undefined;
  const moving = writes > 0 || report.blocked.length > 0 || waitingOn !== undefined;
  keptFields(set, previous, outcome);
  if (failures.length > 0) set(degraded, 'True', 'ApplyFailed', failures.join('; '));
  else set(degraded, 'False', 'AsExpected', 'every child was written');
  if (report.blocked.length > 0 && waitingOn) {
    const blocked = report.blocked.map((b) => nodeName(nodeOfWorkload, b.name)).join(', ');
    set(progressing, 'True', 'RolloutBlocked', `${blocked} waits for ${waitingOn}`);
  } else if (waitingOn) set(progressing, 'True', 'WaitingForReady', `waiting for ${waitingOn}`);
  else if (moving) set(progressing, 'True', 'Applying', `${writes} child(ren) written`);
  else set(progressing, 'False', 'RolloutComplete', 'every workload is ready and up to date');
  const isReady = report.converged && failures.length === 0;
  const notReadyReason = failures.length > 0 ? 'ApplyFailed' : 'RolloutInProgress';
  set(
    ready,
    isReady ? 'True' : 'False',
    isReady ? 'AllNodesReady' : notReadyReason,
    isReady ? 'every node is ready' : waitingOn ? `waiting for ${waitingOn}` : 'the rollout is in progress',
  );
  const wasMoving = isConditionTrue(previous?.conditions, progressing);
  const status: Record<string, unknown> = { observedGeneration: generation, conditions, waitingOn: waitingOn ?? null };
  if (moving && !wasMoving) {
    status.rolloutStartTime = toMetaTime(now);
    status.rolloutFinishTime = null;
  }
  if (!moving && wasMoving) status.rolloutFinishTime = toMetaTime(now);
  return status;
}
