import { describe, expect, it } from 'vitest';
import { duplicateChildNames } from './duplicateChildNames.js';

const child = (kind: string, name: string) => ({ object: { apiVersion: 'v1', kind, metadata: { name } } });

describe('duplicateChildNames', () => {
  it('names each repeated kind and name once per repeat, with the field and hint', () => {
    const problems = duplicateChildNames(
      [child('Service', 'a-b-c'), child('ConfigMap', 'a-b-c'), child('Service', 'a-b-c'), child('Service', 'x')],
      { field: 'spec.nodes', hint: '(<node>-<k8sConfig>); rename one' },
    );
    expect(problems).toEqual([
      {
        field: 'spec.nodes',
        message: 'two nodes derive the same Service name "a-b-c" (<node>-<k8sConfig>); rename one',
      },
    ]);
  });

  it('finds nothing when every kind and name is distinct', () => {
    expect(duplicateChildNames([child('Service', 'a'), child('StatefulSet', 'a'), child('Service', 'b')])).toEqual([]);
  });
});
