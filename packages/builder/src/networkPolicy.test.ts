import { describe, expect, it } from 'vitest';
import { buildNetworkPolicy } from './networkPolicy.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });

describe('buildNetworkPolicy', () => {
  it('builds a networking.k8s.io/v1 NetworkPolicy', () => {
    const ingress = [{ from: [{ podSelector: { matchLabels: { app: 'pinot' } } }], ports: [{ port: 9000 }] }];
    expect(
      buildNetworkPolicy({
        name: 'pinot-controller',
        namespace: 'pinot',
        podSelector: { matchLabels: { node: 'controller' } },
        ingress,
        egress: [],
        policyTypes: ['Ingress', 'Egress'],
      }),
    ).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'pinot-controller', namespace: 'pinot' },
      spec: {
        podSelector: { matchLabels: { node: 'controller' } },
        ingress,
        egress: [],
        policyTypes: ['Ingress', 'Egress'],
      },
    });
  });

  it('keeps an empty pod selector (every pod) and leaves out what is not given', () => {
    expect(buildNetworkPolicy({ name: 'deny-all', namespace: 'n', podSelector: {} }).spec).toEqual({ podSelector: {} });
  });

  it('checks selector expressions and policy types', () => {
    const build = (podSelector: object, policyTypes?: string[]) => () =>
      buildNetworkPolicy({ name: 'p', namespace: 'n', podSelector, policyTypes: policyTypes as never });
    const expr = (e: object) => build({ matchExpressions: [e] });
    expect(expr({ key: 'tier', operator: 'In', values: ['a', 'b'] })).not.toThrow();
    expect(expr({ key: 'tier', operator: 'Exists' })).not.toThrow();
    expect(expr({ key: 'tier', operator: 'In', values: [] })).toThrow(
      error('NetworkPolicy podSelector.matchExpressions[0].values', 'required'),
    );
    expect(expr({ key: 'tier', operator: 'DoesNotExist', values: ['a'] })).toThrow(
      error('NetworkPolicy podSelector.matchExpressions[0].values', 'conflict'),
    );
    expect(expr({ key: 'tier', operator: 'Like', values: ['a'] })).toThrow(
      error('NetworkPolicy podSelector.matchExpressions[0].operator', 'enum'),
    );
    expect(expr({ key: 'bad key', operator: 'Exists' })).toThrow(
      error('NetworkPolicy podSelector.matchExpressions[0].key', 'labelKey'),
    );
    expect(expr({ key: 'tier', operator: 'NotIn', values: ['bad value'] })).toThrow(
      error('NetworkPolicy podSelector.matchExpressions[0].values[0]', 'labelValue'),
    );
    expect(build({ matchLabels: { a: 'b c' } })).toThrow(
      error('NetworkPolicy podSelector.matchLabels["a"]', 'labelValue'),
    );
    expect(build({}, ['Ingress', 'Sideways'])).toThrow(error('NetworkPolicy policyTypes[1]', 'enum'));
  });
});
