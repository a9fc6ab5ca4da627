import { describe, expect, it } from 'vitest';
import { buildPodDisruptionBudget } from './podDisruptionBudget.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });
const selector = { matchLabels: { node: 'server' } };

describe('buildPodDisruptionBudget', () => {
  it('builds a policy/v1 PodDisruptionBudget with one budget', () => {
    expect(buildPodDisruptionBudget({ name: 'server', namespace: 'pinot', selector, maxUnavailable: 1 })).toEqual({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'server', namespace: 'pinot' },
      spec: { selector, maxUnavailable: 1 },
    });
    const pdb = buildPodDisruptionBudget({
      name: 'server',
      namespace: 'pinot',
      selector,
      minAvailable: '50%',
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(pdb.spec).toEqual({ selector, minAvailable: '50%', unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  it('requires exactly one of minAvailable and maxUnavailable', () => {
    const build = (budget: object) => () =>
      buildPodDisruptionBudget({ name: 'p', namespace: 'n', selector, ...budget });
    expect(build({})).toThrow(error('PodDisruptionBudget minAvailable', 'required'));
    expect(build({ minAvailable: 1, maxUnavailable: 1 })).toThrow(error('PodDisruptionBudget', 'conflict'));
  });

  it.each([-1, 1.5, '101%', '50', 'half'])('refuses the budget %j', (budget) => {
    expect(() =>
      buildPodDisruptionBudget({ name: 'p', namespace: 'n', selector, minAvailable: budget as number }),
    ).toThrow(error('PodDisruptionBudget minAvailable', 'range'));
    expect(() =>
      buildPodDisruptionBudget({ name: 'p', namespace: 'n', selector, maxUnavailable: budget as number }),
    ).toThrow(error('PodDisruptionBudget maxUnavailable', 'range'));
  });

  it('checks the selector', () => {
    expect(() =>
      buildPodDisruptionBudget({
        name: 'p',
        namespace: 'n',
        selector: { matchLabels: { 'a b': 'c' } },
        minAvailable: 1,
      }),
    ).toThrow(error('PodDisruptionBudget selector.matchLabels key', 'labelKey'));
  });
});
