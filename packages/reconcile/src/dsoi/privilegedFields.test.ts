import { describe, expect, it } from 'vitest';
import { privilegedFieldProblems } from './privilegedFields.js';

describe('privilegedFieldProblems', () => {
  it('names each privileged setting by its field path, never its value', () => {
    const problems = privilegedFieldProblems(
      {
        volumes: [{ emptyDir: {} } as object, { hostPath: { path: '/var/run/secret-socket' } }],
        ports: [{ containerPort: 9000 } as object, { hostPort: 9000 }],
        service: { externalIPs: ['203.0.113.9'] },
        serviceAccountName: 'cluster-admin-sa',
        automountServiceAccountToken: true,
      },
      { field: 'spec.k8sConfig[2]', portsField: 'port' },
    );
    expect(problems.map((p) => p.field)).toEqual([
      'spec.k8sConfig[2].volumes[1].hostPath',
      'spec.k8sConfig[2].port[1].hostPort',
      'spec.k8sConfig[2].service.externalIPs',
      'spec.k8sConfig[2].serviceAccountName',
      'spec.k8sConfig[2].automountServiceAccountToken',
    ]);
    for (const p of problems)
      expect(p.message).toMatch(/refused unless the operator runs with --allow-privileged-pods$/);
    const text = JSON.stringify(problems);
    for (const value of ['secret-socket', '203.0.113.9', 'cluster-admin-sa']) expect(text).not.toContain(value);
  });

  it('accepts a group without them, and the harmless spellings (empty lists, hostPort 0, the default ServiceAccount, no token)', () => {
    expect(
      privilegedFieldProblems(
        {
          volumes: [{ emptyDir: {} } as object],
          ports: [{ containerPort: 8000, hostPort: 0 } as { hostPort: number }],
          service: { externalIPs: [] },
          serviceAccountName: 'default',
          automountServiceAccountToken: false,
        },
        { field: 'spec.k8sConfig[0]' },
      ),
    ).toEqual([]);
    expect(privilegedFieldProblems({}, { field: 'spec.k8sConfig[0]' })).toEqual([]);
    expect(privilegedFieldProblems({ serviceAccountName: '' }, { field: 'spec.k8sConfig[0]' })).toEqual([]);
  });

  it('takes another hint', () => {
    const [problem] = privilegedFieldProblems({ serviceAccountName: 'x' }, { field: 'f', allowHint: 'here' });
    expect(problem).toEqual({ field: 'f.serviceAccountName', message: expect.stringMatching(/; refused here$/) });
  });
});
