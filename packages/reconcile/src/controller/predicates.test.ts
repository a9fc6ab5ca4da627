import { describe, expect, it } from 'vitest';
import {
  and,
  annotationsChanged,
  generationChanged,
  labelsChanged,
  namespaceFilter,
  not,
  notPaused,
  type ObjectEvent,
  or,
  type PredicateObject,
  parseNamespaceList,
  resourceVersionChanged,
} from './predicates.js';

const obj = (meta: Record<string, unknown> = {}): PredicateObject => ({
  metadata: { name: 'p', namespace: 'data', generation: 1, resourceVersion: '1', ...meta },
});
const update = (oldMeta: Record<string, unknown>, newMeta: Record<string, unknown>): ObjectEvent => ({
  type: 'update',
  oldObject: obj(oldMeta),
  object: obj(newMeta),
});

describe('change predicates', () => {
  it.each([
    ['generationChanged', generationChanged, { generation: 1 }, { generation: 2 }],
    ['labelsChanged', labelsChanged, { labels: { a: '1' } }, { labels: { a: '2' } }],
    ['annotationsChanged', annotationsChanged, {}, { annotations: { a: '1' } }],
    ['resourceVersionChanged', resourceVersionChanged, { resourceVersion: '1' }, { resourceVersion: '2' }],
  ])('%s passes a change, drops a no-op update, passes add and delete', (_name, predicate, before, after) => {
    expect(predicate(update(before, after))).toBe(true);
    expect(predicate(update(before, before))).toBe(false);
    expect(predicate({ type: 'add', object: obj() })).toBe(true);
    expect(predicate({ type: 'delete', object: obj() })).toBe(true);
  });
});

describe('object filters', () => {
  it('filters namespaces with allow and deny lists, deny winning', () => {
    const filter = namespaceFilter({ allow: ['data', 'other'], deny: ['other'] });
    expect(filter({ type: 'add', object: obj({ namespace: 'data' }) })).toBe(true);
    expect(filter({ type: 'add', object: obj({ namespace: 'other' }) })).toBe(false);
    expect(filter({ type: 'add', object: obj({ namespace: 'elsewhere' }) })).toBe(false);
    expect(filter.objectFilter?.(obj({ namespace: 'other' }))).toBe(false);
    expect(namespaceFilter({}).objectFilter?.(obj({ namespace: 'x' }))).toBe(true);
  });

  it('refuses paused objects on events and inside the reconcile', () => {
    const filter = notPaused();
    const paused = obj({ annotations: { 'dsoi.io/paused': 'true' } });
    expect(filter({ type: 'update', oldObject: obj(), object: paused })).toBe(false);
    expect(filter.objectFilter?.(paused)).toBe(false);
    expect(filter.objectFilter?.(obj({ annotations: { 'dsoi.io/paused': 'false' } }))).toBe(true);
    expect(notPaused('pinot.datainfra.io/paused').objectFilter?.(paused)).toBe(true);
  });

  it('parses DENY_LIST style lists, trimming and dropping empties', () => {
    expect(parseNamespaceList(' a, b,,c ,')).toEqual(['a', 'b', 'c']);
    expect(parseNamespaceList(undefined)).toEqual([]);
  });
});

describe('combinators', () => {
  const denyOther = namespaceFilter({ deny: ['other'] });
  it('and: every part passes; object filters combine', () => {
    const p = and(generationChanged, denyOther);
    expect(p(update({ generation: 1 }, { generation: 2 }))).toBe(true);
    expect(p(update({ generation: 1 }, { generation: 1 }))).toBe(false);
    expect(p.objectFilter?.(obj({ namespace: 'other' }))).toBe(false);
    expect(p.objectFilter?.(obj())).toBe(true);
  });

  it('or: any part passes; an object filter only if every part is one', () => {
    expect(or(generationChanged, labelsChanged)(update({ labels: { a: '1' } }, { labels: {} }))).toBe(true);
    expect(or(generationChanged, denyOther).objectFilter).toBeUndefined();
    expect(or(denyOther, notPaused()).objectFilter?.(obj({ namespace: 'other' }))).toBe(true);
  });

  it('not: negates the event decision and the object filter', () => {
    expect(not(generationChanged)(update({ generation: 1 }, { generation: 1 }))).toBe(true);
    expect(not(denyOther).objectFilter?.(obj({ namespace: 'other' }))).toBe(true);
  });
});
