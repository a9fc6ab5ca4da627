import { describe, expect, it } from 'vitest';
import type { ChildrenReport } from '../children/reconcileChildren.js';
import { rolloutStatus } from './rolloutStatus.js';

const ref = (name: string) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', name, namespace: 'pinot' });
const report = (partial: Partial<ChildrenReport>): ChildrenReport => ({
  created: [],
  updated: [],
  deleted: [],
  unchanged: [],
  blocked: [],
  kept: [],
  waitingOn: undefined,
  converged: false,
  ...partial,
});
const nodes = new Map([
  ['c-controller', 'c'],
  ['b-broker', 'b'],
]);
type Status = ReturnType<typeof rolloutStatus>;
const cond = (status: Status, type: string) =>
  (status.conditions as { type: string; status: string; reason: string; message: string }[]).find(
    (c) => c.type === type,
  );
/** The next pass reads the status as the API server holds it after the merge patch: without the nulls. */
const live = (status: Status) =>
  Object.fromEntries(Object.entries(status).filter(([, value]) => value !== null)) as { conditions?: never[] };

describe('rolloutStatus', () => {
  it('records when a rollout starts and finishes, and names the node it waits on', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const started = rolloutStatus(
      undefined,
      {
        kind: 'applied',
        report: report({
          updated: [{ ...ref('c-controller'), because: 'changed' }],
          blocked: [{ ...ref('b-broker'), waitingOn: ref('c-controller'), reason: 'rolling out' }],
          waitingOn: { ...ref('c-controller'), reason: 'rolling out' },
        }),
        nodeOfWorkload: nodes,
        failures: [],
      },
      2,
      t0,
    );
    expect(started).toMatchObject({
      observedGeneration: 2,
      rolloutStartTime: '2026-01-01T00:00:00Z',
      waitingOn: 'node c (c-controller): rolling out',
    });
    expect(cond(started, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'RolloutBlocked',
      message: 'node b (b-broker) waits for node c (c-controller): rolling out',
    });
    expect(cond(started, 'Ready')).toMatchObject({ status: 'False', reason: 'RolloutInProgress' });

    const t1 = new Date('2026-01-01T00:05:00Z');
    const finished = rolloutStatus(
      live(started),
      { kind: 'applied', report: report({ converged: true }), nodeOfWorkload: nodes, failures: [] },
      2,
      t1,
    );
    // A merge patch: the start time stays as written before.
    expect({ ...live(started), ...finished }).toMatchObject({
      rolloutStartTime: '2026-01-01T00:00:00Z',
      rolloutFinishTime: '2026-01-01T00:05:00Z',
    });
    expect(finished.waitingOn).toBeNull();
    expect(cond(finished, 'Ready')).toMatchObject({
      status: 'True',
      reason: 'AllNodesReady',
      lastTransitionTime: '2026-01-01T00:05:00Z',
    });
    expect(cond(finished, 'Progressing')).toMatchObject({ status: 'False', reason: 'RolloutComplete' });
  });

  it('reports invalid input and failed writes as Degraded with the detail', () => {
    const invalid = rolloutStatus(
      undefined,
      { kind: 'invalid', problems: [{ field: 'spec.nodes[0].k8sConfig', message: 'no entry named "x"' }] },
      3,
    );
    expect(cond(invalid, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'InvalidSpec',
      message: 'spec.nodes[0].k8sConfig: no entry named "x"',
    });
    const failed = rolloutStatus(
      undefined,
      {
        kind: 'applied',
        report: report({}),
        nodeOfWorkload: nodes,
        failures: ['StatefulSet c-controller: field is immutable'],
      },
      3,
    );
    expect(cond(failed, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ApplyFailed',
      message: 'StatefulSet c-controller: field is immutable',
    });
    expect(cond(failed, 'Ready')).toMatchObject({ status: 'False', reason: 'ApplyFailed' });
  });

  it('reports immutable fields kept from another writer in ImmutableFieldsDiffer, naming each field and the recipe, and stays Ready', () => {
    const kept = report({
      converged: true,
      kept: [
        {
          ...ref('c-controller'),
          fields: [
            {
              field: 'spec.volumeClaimTemplates',
              at: 'spec.volumeClaimTemplates[0].metadata.labels',
              migrate:
                'delete the StatefulSet but keep its pods and volumes (`kubectl delete statefulset c-controller -n pinot --cascade=orphan`)',
            },
          ],
        },
      ],
    });
    const status = rolloutStatus(undefined, { kind: 'applied', report: kept, nodeOfWorkload: nodes, failures: [] }, 1);
    expect(cond(status, 'Ready')?.status).toBe('True');
    expect(cond(status, 'ImmutableFieldsDiffer')).toMatchObject({ status: 'True', reason: 'LiveValueKept' });
    expect(cond(status, 'ImmutableFieldsDiffer')?.message).toBe(
      'node c (c-controller): spec.volumeClaimTemplates (at spec.volumeClaimTemplates[0].metadata.labels) kept the live value; to migrate: delete the StatefulSet but keep its pods and volumes (`kubectl delete statefulset c-controller -n pinot --cascade=orphan`)',
    );
    const after = rolloutStatus(
      live(status),
      { kind: 'applied', report: report({ converged: true }), nodeOfWorkload: nodes, failures: [] },
      2,
    );
    expect(cond(after, 'ImmutableFieldsDiffer')).toMatchObject({ status: 'False', reason: 'AsDesired' });
    // An object that never had one gets none.
    const never = rolloutStatus(
      undefined,
      { kind: 'applied', report: report({ converged: true }), nodeOfWorkload: nodes, failures: [] },
      1,
    );
    expect(cond(never, 'ImmutableFieldsDiffer')).toBeUndefined();
  });
});
