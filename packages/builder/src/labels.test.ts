import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeLabels, recommendedLabelKeys, recommendedLabels } from './labels.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });

describe('recommendedLabels', () => {
  it('returns the app.kubernetes.io/* labels, leaving out the optional ones not given', () => {
    expect(recommendedLabels({ name: 'pinot', instance: 'pinot-simple', managedBy: 'pinot-operator' })).toEqual({
      'app.kubernetes.io/name': 'pinot',
      'app.kubernetes.io/instance': 'pinot-simple',
      'app.kubernetes.io/managed-by': 'pinot-operator',
    });
    expect(
      recommendedLabels({
        name: 'pinot',
        instance: 'pinot-simple',
        managedBy: 'pinot-operator',
        component: 'broker',
        partOf: 'analytics',
        version: '1.2.0',
      }),
    ).toEqual({
      'app.kubernetes.io/name': 'pinot',
      'app.kubernetes.io/instance': 'pinot-simple',
      'app.kubernetes.io/managed-by': 'pinot-operator',
      'app.kubernetes.io/component': 'broker',
      'app.kubernetes.io/part-of': 'analytics',
      'app.kubernetes.io/version': '1.2.0',
    });
  });

  it('refuses a value that is not a label value, naming the label', () => {
    const bad = () => recommendedLabels({ name: 'pinot', instance: 'x', managedBy: 'op', version: '1.2.3+build' });
    expect(bad).toThrow(error('recommendedLabels["app.kubernetes.io/version"]', 'labelValue'));
  });

  it('exports the keys', () => {
    expect(recommendedLabelKeys.managedBy).toBe('app.kubernetes.io/managed-by');
    expect(Object.isFrozen(recommendedLabelKeys)).toBe(true);
  });
});

describe('mergeLabels', () => {
  const ours = { app: 'pinot', node: 'broker', 'app.kubernetes.io/managed-by': 'pinot-operator' };

  it("keeps every label and lets the caller's value win on an unprotected key", () => {
    expect(mergeLabels(ours, { team: 'data', app: 'pinot-custom' })).toEqual({
      app: 'pinot-custom',
      node: 'broker',
      'app.kubernetes.io/managed-by': 'pinot-operator',
      team: 'data',
    });
    expect(mergeLabels(ours, undefined)).toEqual(ours);
  });

  it('refuses a caller value that changes managed-by or a protected key', () => {
    expect(() => mergeLabels(ours, { 'app.kubernetes.io/managed-by': 'helm' })).toThrow(
      error('labels["app.kubernetes.io/managed-by"]', 'protectedLabel'),
    );
    const merge = () => mergeLabels(ours, { node: 'server' }, { protectedKeys: ['node'], field: 'podMetadata.labels' });
    expect(merge).toThrow(error('podMetadata.labels["node"]', 'protectedLabel'));
    expect(merge).toThrow('set by the builder to "broker"');
  });

  it('allows a protected label repeated with the same value, or set where ours has none', () => {
    expect(mergeLabels(ours, { node: 'broker' }, { protectedKeys: ['node'] })).toEqual(ours);
    expect(mergeLabels({ app: 'x' }, { 'app.kubernetes.io/managed-by': 'helm' })).toEqual({
      app: 'x',
      'app.kubernetes.io/managed-by': 'helm',
    });
  });

  it('validates both maps and does not change its inputs', () => {
    expect(() => mergeLabels({ 'bad key': 'x' }, {})).toThrow(error('labels key', 'labelKey'));
    expect(() => mergeLabels({}, { a: 'bad value' }, { field: 'theirs' })).toThrow(error('theirs["a"]', 'labelValue'));
    const theirs = { team: 'data' };
    mergeLabels(ours, theirs);
    expect(theirs).toEqual({ team: 'data' });
    expect(ours).not.toHaveProperty('team');
  });

  it('holds the merge rule for generated maps', () => {
    const labelMap = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('x', 'y', 'z'));
    fc.assert(
      fc.property(labelMap, labelMap, (mine, theirs) => {
        const merged = mergeLabels(mine, theirs);
        expect(Object.keys(merged).sort()).toEqual([...new Set([...Object.keys(mine), ...Object.keys(theirs)])].sort());
        for (const [key, value] of Object.entries(theirs)) expect(merged[key]).toBe(value);
      }),
    );
  });
});
