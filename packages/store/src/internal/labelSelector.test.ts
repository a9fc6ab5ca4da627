import { describe, expect, it } from 'vitest';
import { labelSelectorString, matchesLabels, parseLabelSelector } from './labelSelector.js';

const matches = (selector: string, labels: Record<string, string>) =>
  matchesLabels(parseLabelSelector(selector), labels);

describe('label selectors', () => {
  it.each([
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'web' }, true],
    ['app=web', { app: 'db' }, false],
    ['app!=web', {}, true],
    ['app in (web, db),tier', { app: 'db', tier: 'x' }, true],
    ['app in (web, db),tier', { app: 'db' }, false],
    ['app notin (web)', { app: 'db' }, true],
    ['!legacy', { legacy: 'true' }, false],
    ['replicas>2', { replicas: '3' }, true],
    ['replicas<2', { replicas: '3' }, false],
    ['example.com/role=leader, app=x', { 'example.com/role': 'leader', app: 'x' }, true],
    ['', { anything: 'goes' }, true],
    ['app=', { app: '' }, true],
  ])('%s on %j is %s', (selector, labels, expected) => {
    expect(matches(selector, labels)).toBe(expected);
  });

  it.each([
    ['app in ()', 'needs at least one value'],
    ['app = a b', 'not a valid label value'],
    ['-bad=x', 'not a valid label key'],
    ['replicas>two', 'not a valid integer'],
  ])('rejects %j with a StoreError naming the problem', (selector, message) => {
    expect(() => parseLabelSelector(selector)).toThrow(expect.objectContaining({ reason: 'InvalidSelector' }));
    expect(() => parseLabelSelector(selector)).toThrow(message);
  });

  it('turns a map into the query form, sorted by key', () => {
    expect(labelSelectorString({ tier: 'front', app: 'web' })).toBe('app=web,tier=front');
    expect(labelSelectorString({})).toBeUndefined();
    expect(labelSelectorString('  ')).toBeUndefined();
  });
});
