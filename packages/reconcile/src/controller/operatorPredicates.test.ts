import type { KubeObject } from '@dsoi/object';
import { describe, expect, it } from 'vitest';
import { operatorPredicates } from './operatorPredicates.js';
import type { ObjectEvent, Predicate } from './predicates.js';

const obj = (meta: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: 'p', namespace: 'data', generation: 1, resourceVersion: '1', ...meta },
});
const update = (oldMeta: Record<string, unknown>, newMeta: Record<string, unknown>): ObjectEvent => ({
  type: 'update',
  oldObject: obj(oldMeta),
  object: obj({ resourceVersion: '2', ...newMeta }),
});
/** Whether an event passes every predicate, and whether the object passes every object filter. */
const passes = (predicates: Predicate[], event: ObjectEvent) => predicates.every((p) => p(event));
const reconciles = (predicates: Predicate[], object: KubeObject) =>
  predicates.every((p) => p.objectFilter?.(object) ?? true);

describe('operatorPredicates', () => {
  it('filters namespaces by watchNamespaces minus denyList, on events and before every reconcile', () => {
    const predicates = operatorPredicates({ watchNamespaces: ['data', 'ops'], denyList: ['ops'] });
    expect(reconciles(predicates, obj())).toBe(true);
    expect(reconciles(predicates, obj({ namespace: 'ops' }))).toBe(false);
    expect(reconciles(predicates, obj({ namespace: 'other' }))).toBe(false);
    expect(passes(predicates, { type: 'add', object: obj({ namespace: 'other' }) })).toBe(false);
    expect(reconciles(operatorPredicates(), obj({ namespace: 'any' }))).toBe(true);
  });

  it('refuses objects paused by dsoi.io/paused or by one of pausedAnnotations', () => {
    const predicates = operatorPredicates({ pausedAnnotations: ['legacy.io/reconcile'] });
    expect(reconciles(predicates, obj({ annotations: { 'dsoi.io/paused': 'true' } }))).toBe(false);
    expect(reconciles(predicates, obj({ annotations: { 'legacy.io/reconcile': 'true' } }))).toBe(false);
    expect(reconciles(predicates, obj({ annotations: { 'legacy.io/reconcile': 'false' } }))).toBe(true);
    expect(reconciles(operatorPredicates(), obj({ annotations: { 'legacy.io/reconcile': 'true' } }))).toBe(true);
  });

  it('wakes on spec, annotation and label changes and on alsoOn, not on a status-only update', () => {
    const predicates = operatorPredicates();
    expect(passes(predicates, update({}, {}))).toBe(false);
    expect(passes(predicates, update({}, { generation: 2 }))).toBe(true);
    expect(passes(predicates, update({}, { annotations: { a: '1' } }))).toBe(true);
    expect(passes(predicates, update({}, { labels: { a: '1' } }))).toBe(true);
    const finalizing: Predicate = (event) => event.type === 'update' && Boolean(event.object.metadata?.finalizers);
    expect(passes(operatorPredicates({ alsoOn: [finalizing] }), update({}, { finalizers: ['f'] }))).toBe(true);
    expect(passes(predicates, update({}, { finalizers: ['f'] }))).toBe(false);
  });
});
