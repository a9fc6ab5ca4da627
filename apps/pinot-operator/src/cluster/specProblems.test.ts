import { describe, expect, it } from 'vitest';
import { unappliableTextProblems } from './specProblems.js';

describe('unappliableTextProblems', () => {
  it('names each string and map key holding a character server-side apply cannot carry', () => {
    const spec = {
      nodes: [{ name: 'ok\u200F\u0000\t\u{1F680}' }, { name: 'bad\uFFFF' }],
      k8sConfig: [{ nodeSelector: { 'example.com/zone': 'a\u0085b', 'k\u007F': 'v' } }],
      pinotNodeConfig: [{ data: 'x\u009Fy' }, { data: 'lone \uD800' }],
      auth: { type: 'skipped\uFFFE' },
    };
    const problems = unappliableTextProblems(spec, 'spec', ['spec.auth']);
    expect(problems.map((p) => p.field)).toEqual([
      'spec.nodes[1].name',
      'spec.k8sConfig[0].nodeSelector["k\u007F"] (key)',
      'spec.pinotNodeConfig[0].data',
      'spec.pinotNodeConfig[1].data',
    ]);
    expect(problems[0]!.message).toContain('U+FFFF');
    expect(problems[3]!.message).toContain('U+D800');
  });
});
