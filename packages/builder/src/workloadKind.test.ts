import { describe, expect, it } from 'vitest';
import { parseWorkloadKind } from './workloadKind.js';

describe('parseWorkloadKind', () => {
  it('reads both StatefulSet spellings and Deployment', () => {
    expect(parseWorkloadKind('StatefulSet')).toBe('StatefulSet');
    expect(parseWorkloadKind('Statefulset')).toBe('StatefulSet');
    expect(parseWorkloadKind('Deployment')).toBe('Deployment');
  });

  it.each(['statefulset', 'DaemonSet', '', 'toString', undefined, 3])('refuses %j, naming the field', (kind) => {
    const parse = () => parseWorkloadKind(kind, 'spec.nodes[0].kind');
    expect(parse).toThrow(expect.objectContaining({ field: 'spec.nodes[0].kind', rule: 'kind', value: kind }));
    expect(parse).toThrow('must be StatefulSet (or the legacy spelling Statefulset) or Deployment');
  });
});
