import type { ChildrenReport } from '@dsoi/reconcile';
import { describe, expect, it } from 'vitest';
import { pinotStatus } from './pinotStatus.js';

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
const cond = (status: ReturnType<typeof pinotStatus>, type: string) => status.conditions?.find((c) => c.type === type);

describe('pinotStatus', () => {
  it('records when a rollout starts and finishes, and names the node it waits on', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const started = pinotStatus(
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
      waitingOn: 'node c (c-controller)',
    });
    expect(cond(started, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'RolloutBlocked',
      message: 'node b (b-broker) waits for node c (c-controller): rolling out',
    });
    expect(cond(started, 'Ready')).toMatchObject({ status: 'False', reason: 'RolloutInProgress' });

    const t1 = new Date('2026-01-01T00:05:00Z');
    const finished = pinotStatus(
      started,
      { kind: 'applied', report: report({ converged: true }), nodeOfWorkload: nodes, failures: [] },
      2,
      t1,
    );
    expect(finished).toMatchObject({
      rolloutStartTime: '2026-01-01T00:00:00Z',
      rolloutFinishTime: '2026-01-01T00:05:00Z',
    });
    expect(finished.waitingOn).toBeUndefined();
    expect(cond(finished, 'Ready')).toMatchObject({
      status: 'True',
      reason: 'AllNodesReady',
      lastTransitionTime: '2026-01-01T00:05:00Z',
    });
    expect(cond(finished, 'Progressing')).toMatchObject({ status: 'False', reason: 'RolloutComplete' });
  });

  it('reports invalid input and failed writes as Degraded with the detail', () => {
    const invalid = pinotStatus(
      undefined,
      { kind: 'invalid', problems: [{ field: 'spec.nodes[0].k8sConfig', message: 'no entry named "x"' }] },
      3,
    );
    expect(cond(invalid, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'InvalidSpec',
      message: 'spec.nodes[0].k8sConfig: no entry named "x"',
    });
    const failed = pinotStatus(
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
    const status = pinotStatus(undefined, { kind: 'applied', report: kept, nodeOfWorkload: nodes, failures: [] }, 1);
    expect(cond(status, 'Ready')?.status).toBe('True');
    expect(cond(status, 'ImmutableFieldsDiffer')).toMatchObject({ status: 'True', reason: 'LiveValueKept' });
    expect(cond(status, 'ImmutableFieldsDiffer')?.message).toBe(
      'node c (c-controller): spec.volumeClaimTemplates (at spec.volumeClaimTemplates[0].metadata.labels) kept the live value; to migrate: delete the StatefulSet but keep its pods and volumes (`kubectl delete statefulset c-controller -n pinot --cascade=orphan`)',
    );
    const after = pinotStatus(
      status,
      { kind: 'applied', report: report({ converged: true }), nodeOfWorkload: nodes, failures: [] },
      2,
    );
    expect(cond(after, 'ImmutableFieldsDiffer')).toMatchObject({ status: 'False', reason: 'AsDesired' });
  });
});
