import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, 2], c: null } })).toBe('{"a":{"c":null,"d":[3,1,2]},"b":1}');
  });

  it('drops undefined members and honours toJSON', () => {
    const at = new Date('2024-01-02T03:04:05.000Z');
    expect(canonicalJson({ a: undefined, at })).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
  });

  it('prints numbers and strings as JSON does, including non-ASCII text', () => {
    expect(canonicalJson([-0, 1e21, 0.1, 'é', '日本', '\u2028'])).toBe('[0,1e+21,0.1,"é","日本","\u2028"]');
  });

  it('keeps a shared (non-cyclic) reference', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it.each([
    ['a function', { spec: { f: () => 1 } }, '$.spec.f is a function'],
    ['a symbol', { s: Symbol('x') }, '$.s is a symbol'],
    ['a BigInt', { n: 1n }, '$.n is a bigint'],
    ['NaN', { spec: { replicas: Number.NaN } }, '$.spec.replicas is NaN'],
    ['Infinity', [1, Number.POSITIVE_INFINITY], '$[1] is Infinity'],
    ['undefined in an array', { list: [1, undefined] }, '$.list[1] is a undefined'],
    ['a Map', { 'a-b': new Map() }, '$["a-b"] is a Map'],
  ])('rejects %s with a TypeError naming the path', (_name, value, message) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('rejects a cycle, naming where it closes', () => {
    const node: Record<string, unknown> = { name: 'x' };
    node.spec = { parent: node };
    expect(() => canonicalJson(node)).toThrow('$.spec.parent refers back to one of its parents');
  });

  it('parses back to the same value for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
