import { describe, expect, it } from 'vitest';
import { findCondition, isConditionTrue, setCondition, toMetaTime } from './conditions.js';

const t1 = new Date('2026-01-01T00:00:00.500Z');
const t2 = new Date('2026-01-01T00:05:00Z');

describe('setCondition', () => {
  it('appends a new condition with the transition time', () => {
    const list = setCondition(
      [],
      { type: 'Ready', status: 'False', reason: 'Pending', message: 'x', observedGeneration: 1 },
      t1,
    );
    expect(list).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'Pending',
        message: 'x',
        observedGeneration: 1,
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ]);
  });

  it('keeps lastTransitionTime when only reason, message or generation change', () => {
    const first = setCondition(
      [],
      { type: 'Ready', status: 'False', reason: 'A', message: 'a', observedGeneration: 1 },
      t1,
    );
    const second = setCondition(
      first,
      { type: 'Ready', status: 'False', reason: 'B', message: 'b', observedGeneration: 2 },
      t2,
    );
    expect(second[0]).toMatchObject({ reason: 'B', observedGeneration: 2, lastTransitionTime: toMetaTime(t1) });
  });

  it('moves lastTransitionTime when the status changes, keeping order and the input intact', () => {
    const first = setCondition(
      setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: '' }, t1),
      { type: 'Degraded', status: 'False', reason: 'Fine', message: '' },
      t1,
    );
    const second = setCondition(first, { type: 'Ready', status: 'True', reason: 'AllReady', message: '' }, t2);
    expect(second.map((c) => c.type)).toEqual(['Ready', 'Degraded']);
    expect(second[0]?.lastTransitionTime).toBe('2026-01-01T00:05:00Z');
    expect(first[0]?.status).toBe('False');
    expect(isConditionTrue(second, 'Ready')).toBe(true);
    expect(findCondition(second, 'Missing')).toBeUndefined();
  });
});
