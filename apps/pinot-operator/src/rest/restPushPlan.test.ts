import { describe, expect, it } from 'vitest';
import { planRestPush } from './restPushPlan.ts';

const doc = '{"schemaName":"s","v":1}';
const same = '{ "v": 1, "schemaName": "s" }';

describe('planRestPush', () => {
  it('creates what Pinot does not have, whoever owns the name', () => {
    expect(planRestPush({ exists: false, mine: false, mayAdopt: false, current: undefined, document: doc })).toBe(
      'create',
    );
    expect(planRestPush({ exists: false, mine: true, mayAdopt: false, current: doc, document: doc })).toBe('create');
  });

  it('leaves an existing object of another owner alone unless the CR may adopt it', () => {
    expect(planRestPush({ exists: true, mine: false, mayAdopt: false, current: doc, document: doc })).toBe('notOwned');
    // Adoption pushes the spec as an update even when the remembered document agrees.
    expect(planRestPush({ exists: true, mine: false, mayAdopt: true, current: doc, document: doc })).toBe('update');
  });

  it('updates its own object only when the document differs semantically', () => {
    expect(planRestPush({ exists: true, mine: true, mayAdopt: false, current: same, document: doc })).toBe('inSync');
    expect(
      planRestPush({ exists: true, mine: true, mayAdopt: false, current: '{"schemaName":"s","v":2}', document: doc }),
    ).toBe('update');
    expect(planRestPush({ exists: true, mine: true, mayAdopt: false, current: undefined, document: doc })).toBe(
      'update',
    );
  });
});
