import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { nodeReferenceProblems } from './nodeReferences.js';
import { describeProblems, InvalidSpecError, parseSpec } from './specProblems.js';

const spec = {
  deploymentOrder: ['controller', 'broker'],
  k8sConfig: [{ name: 'main', image: 'img:1' }],
  appConfig: [{ name: 'conf' }],
  nodes: [
    { name: 'c', nodeType: 'controller', k8sConfig: 'main', appConfig: 'conf' },
    { name: 'b', nodeType: 'broker', k8sConfig: 'main', appConfig: 'conf' },
  ],
};
const fields = (edit: (s: typeof spec) => void, unique = false) => {
  const copy = structuredClone(spec);
  edit(copy);
  return nodeReferenceProblems(copy, { typeField: 'nodeType', groupFields: ['k8sConfig', 'appConfig'], unique }).map(
    (p) => p.field,
  );
};

describe('parseSpec', () => {
  it('returns the parsed spec, or throws InvalidSpecError naming every field under the root', () => {
    const schema = z.object({ nodes: z.array(z.object({ replicas: z.int() })), name: z.string() });
    expect(parseSpec(schema, { nodes: [{ replicas: 1 }], name: 'x' })).toEqual({ nodes: [{ replicas: 1 }], name: 'x' });
    const error = (() => {
      try {
        parseSpec(schema, { nodes: [{ replicas: 'many' }] });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect((error as InvalidSpecError).problems.map((p) => p.field)).toEqual(['spec.nodes[0].replicas', 'spec.name']);
  });
});

describe('describeProblems', () => {
  it('shows the first problems and counts the rest', () => {
    const problems = ['a', 'b', 'c', 'd', 'e'].map((f) => ({ field: `spec.${f}`, message: 'bad' }));
    expect(describeProblems(problems)).toBe('spec.a: bad; spec.b: bad; spec.c: bad; and 2 more');
    expect(describeProblems(problems.slice(0, 1))).toBe('spec.a: bad');
  });
});

describe('nodeReferenceProblems', () => {
  it('finds nothing in a consistent spec', () => {
    expect(fields(() => {}, true)).toEqual([]);
  });

  it('names a missing group, an unlisted node type and an image pods cannot use', () => {
    expect(fields((s) => (s.nodes[1]!.k8sConfig = 'nope'))).toEqual(['spec.nodes[1].k8sConfig']);
    expect(fields((s) => (s.nodes[0]!.appConfig = 'nope'))).toEqual(['spec.nodes[0].appConfig']);
    expect(fields((s) => (s.deploymentOrder = ['broker']))).toEqual(['spec.nodes[0].nodeType']);
    expect(fields((s) => (s.k8sConfig[0]!.image = ' img:1'))).toEqual(['spec.k8sConfig[0].image']);
  });

  it('refuses names given twice only when asked', () => {
    const twice = (s: typeof spec) => {
      s.nodes.push({ ...s.nodes[0]! });
      s.appConfig.push({ name: 'conf' });
    };
    expect(fields(twice)).toEqual([]);
    expect(fields(twice, true)).toEqual(['spec.appConfig[1].name', 'spec.nodes[2].name']);
  });
});
