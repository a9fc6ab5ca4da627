import { describe, expect, it } from 'vitest';
import { semanticJsonEqual } from './semanticJson.ts';

describe('semanticJsonEqual', () => {
  it('ignores whitespace and key order, not values or array order', () => {
    expect(semanticJsonEqual('{"a":1,"b":[1,2]}', '{ "b": [1, 2],\n "a": 1 }')).toBe(true);
    expect(semanticJsonEqual('{"a":1}', '{"a":2}')).toBe(false);
    expect(semanticJsonEqual('{"b":[1,2]}', '{"b":[2,1]}')).toBe(false);
  });

  it('is false for a missing or invalid side instead of throwing (bug 23)', () => {
    expect(semanticJsonEqual(undefined, '{}')).toBe(false);
    expect(semanticJsonEqual('', '{}')).toBe(false);
    expect(semanticJsonEqual('{', '{}')).toBe(false);
  });
});
