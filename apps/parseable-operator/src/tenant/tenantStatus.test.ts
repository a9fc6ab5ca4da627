import type { ChildrenReport } from '@dsoi/reconcile';
import { describe, expect, it } from 'vitest';
import { tenantStatus } from './tenantStatus.ts';

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
const nodes = new Map([['parseable-server-parseable', 'parseable']]);
const applied = (r: ChildrenReport) => ({
  kind: 'applied' as const,
  report: r,
  nodeOfWorkload: nodes,
  failures: [],
  claimWrites: 0,
});
const cond = (status: Record<string, unknown>, type: string) =>
  (status.conditions as { type: string; status: string; reason: string; message: string }[]).find(
    (c) => c.type === type,
  );

describe('tenantStatus', () => {
  it('reports immutable fields kept from the Go operator in ImmutableFieldsDiffer, with the recipe, and stays Ready', () => {
    const kept = report({
      converged: true,
      kept: [
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          name: 'parseable-server-parseable',
          namespace: 'logs',
          fields: [
            {
              field: 'spec.serviceName',
              at: 'spec.serviceName',
              migrate:
                'delete the StatefulSet but keep its pods and volumes (`kubectl delete statefulset x --cascade=orphan`)',
            },
          ],
        },
      ],
    });
    const status = tenantStatus(undefined, applied(kept), 1);
    expect(cond(status, 'ImmutableFieldsDiffer')).toMatchObject({ status: 'True', reason: 'LiveValueKept' });
    expect(cond(status, 'ImmutableFieldsDiffer')?.message).toBe(
      'node parseable (parseable-server-parseable): spec.serviceName (at spec.serviceName) kept the live value; to migrate: delete the StatefulSet but keep its pods and volumes (`kubectl delete statefulset x --cascade=orphan`)',
    );
    expect(cond(status, 'Ready')?.status).toBe('True');
    expect(cond(status, 'Degraded')?.status).toBe('False');
    // Once the child is recreated with the desired values, the condition says so.
    const after = tenantStatus(status as never, applied(report({ converged: true })), 2);
    expect(cond(after, 'ImmutableFieldsDiffer')).toMatchObject({ status: 'False', reason: 'AsDesired' });
    // A tenant that never had one gets none.
    expect(
      cond(tenantStatus(undefined, applied(report({ converged: true })), 1), 'ImmutableFieldsDiffer'),
    ).toBeUndefined();
  });
});
