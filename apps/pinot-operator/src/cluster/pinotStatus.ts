/**
 * The status of a Pinot cluster, computed from what a reconcile found (the Go operator wrote none): conditions
 * Ready, Progressing and Degraded, `observedGeneration`, the node the rollout waits on, and when it started and
 * finished. Pure.
 */
import { type ChildrenReport, type Condition, isConditionTrue, setCondition, toMetaTime } from '@dsoi/reconcile';
import type { PinotStatus } from '../api/pinot.js';
import { describeProblems, type SpecProblem } from './specProblems.js';

/** What a reconcile pass found. */
export type PinotOutcome =
  | { readonly kind: 'invalid'; readonly problems: readonly SpecProblem[] }
  | {
      readonly kind: 'applied';
      readonly report: ChildrenReport;
      /** Workload name → node name. */
      readonly nodeOfWorkload: ReadonlyMap<string, string>;
      /** Children that could not be written, with the error text. */
      readonly failures: readonly string[];
    };

function nodeName(nodes: ReadonlyMap<string, string>, workload: string): string {
  const node = nodes.get(workload);
  return node ? `node ${node} (${workload})` : workload;
}

/** The next status, from the previous one and this pass's outcome. */
export function pinotStatus(
  previous: PinotStatus | undefined,
  outcome: PinotOutcome,
  generation: number,
  now = new Date(),
): PinotStatus {
  const base = { observedGeneration: generation };
  let conditions = (previous?.conditions ?? []) as Condition[];
  const set = (type: string, status: Condition['status'], reason: string, message: string) => {
    conditions = setCondition(conditions, { type, status, reason, message, observedGeneration: generation }, now);
  };
  if (outcome.kind === 'invalid') {
    const message = describeProblems(outcome.problems);
    set('Ready', 'False', 'InvalidSpec', message);
    set('Degraded', 'True', 'InvalidSpec', message);
    return { ...previous, ...base, conditions };
  }
  const { report, nodeOfWorkload, failures } = outcome;
  const wasProgressing = isConditionTrue(previous?.conditions as Condition[] | undefined, 'Progressing');
  const writes = report.created.length + report.updated.length + report.deleted.length;
  const progressing = writes > 0 || report.blocked.length > 0 || report.waitingOn !== undefined;
  const waitingOn = report.waitingOn ? nodeName(nodeOfWorkload, report.waitingOn.name) : undefined;
  // Fields another writer (the Go operator) set that cannot change in place: the cluster runs, but differs from the
  // spec until the user migrates the child as the message says.
  if (report.kept.length > 0) {
    const kept = report.kept.flatMap((child) =>
      child.fields.map(
        (f) =>
          `${nodeName(nodeOfWorkload, child.name)}: ${f.field} (at ${f.at}) kept the live value; to migrate: ${f.migrate}`,
      ),
    );
    set('ImmutableFieldsDiffer', 'True', 'LiveValueKept', kept.join('; '));
  } else if (previous?.conditions?.some((c) => c.type === 'ImmutableFieldsDiffer')) {
    set('ImmutableFieldsDiffer', 'False', 'AsDesired', 'every immutable field holds the desired value');
  }
  if (failures.length > 0) set('Degraded', 'True', 'ApplyFailed', failures.join('; '));
  else set('Degraded', 'False', 'AsExpected', 'every child was written');
  if (report.blocked.length > 0 && waitingOn) {
    const blocked = report.blocked.map((b) => nodeName(nodeOfWorkload, b.name)).join(', ');
    set('Progressing', 'True', 'RolloutBlocked', `${blocked} waits for ${waitingOn}: ${report.waitingOn?.reason}`);
  } else if (waitingOn) {
    set('Progressing', 'True', 'WaitingForReady', `waiting for ${waitingOn}: ${report.waitingOn?.reason}`);
  } else if (progressing) {
    set('Progressing', 'True', 'Applying', `${writes} child(ren) written`);
  } else {
    set('Progressing', 'False', 'RolloutComplete', 'every workload is ready and up to date');
  }
  const ready = report.converged && failures.length === 0;
  set(
    'Ready',
    ready ? 'True' : 'False',
    ready ? 'AllNodesReady' : failures.length > 0 ? 'ApplyFailed' : 'RolloutInProgress',
    ready ? 'every node is ready' : waitingOn ? `waiting for ${waitingOn}` : 'the rollout is in progress',
  );
  const status: PinotStatus = { ...previous, ...base, conditions };
  if (progressing && !wasProgressing) {
    status.rolloutStartTime = toMetaTime(now);
    delete status.rolloutFinishTime;
  }
  if (!progressing && wasProgressing) status.rolloutFinishTime = toMetaTime(now);
  if (waitingOn) status.waitingOn = waitingOn;
  else delete status.waitingOn;
  return status;
}
