import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requiredPermissions } from '../manager/requiredPermissions.js';
import { apiGroupOf, policyRules, rbacRoleYaml } from './rbacRules.js';

const webApp = { apiVersion: 'example.com/v1', kind: 'WebApp' };
const needs = requiredPermissions({
  controllers: [
    {
      name: 'webapp',
      for: webApp,
      owns: [
        { apiVersion: 'apps/v1', kind: 'Deployment' },
        { apiVersion: 'v1', kind: 'Service' },
      ],
      permissions: { finalizer: true, extra: [{ verbs: ['get'], type: { apiVersion: 'v1', kind: 'Secret' } }] },
    },
  ],
  leaderElection: { namespace: 'ops', leaseName: 'webapp-leader' },
});

describe('policyRules', () => {
  it('maps kinds to plurals, merges resources with the same verbs and keeps a named Lease apart', () => {
    expect(policyRules(needs)).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
      { apiGroups: [''], resources: ['services'], verbs: ['list', 'watch', 'create', 'patch', 'delete'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list', 'watch', 'create', 'patch', 'delete'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['webapp-leader'],
        verbs: ['get', 'update'],
      },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
      { apiGroups: ['example.com'], resources: ['webapps'], verbs: ['get', 'list', 'watch', 'patch'] },
      { apiGroups: ['example.com'], resources: ['webapps/finalizers'], verbs: ['update'] },
      { apiGroups: ['example.com'], resources: ['webapps/status'], verbs: ['patch'] },
    ]);
  });

  it('takes a CRD plural over the guess, and guesses as Kubernetes does otherwise', () => {
    const kinds = ['Policy', 'Ingress', 'Proxy', 'Endpoints'].map((kind) => ({ apiVersion: 'x.io/v1', kind }));
    const permissions = kinds.map((type) => ({ verb: 'list' as const, type, neededBy: 'test' }));
    const rules = policyRules(permissions, { plurals: new Map([['x.io/Proxy', 'proxies-custom']]) });
    expect(rules.flatMap((r) => r.resources)).toEqual(['endpointses', 'ingresses', 'policies', 'proxies-custom']);
    expect(apiGroupOf('v1')).toBe('');
    expect(apiGroupOf('apps/v1')).toBe('apps');
  });

  it('gives the same rules whatever the order of the permissions', () => {
    expect(policyRules([...needs].reverse())).toEqual(policyRules(needs));
  });
});

describe('rbacRoleYaml', () => {
  it('writes a ClusterRole, or a Role in a namespace, that YAML reads back as the rules', () => {
    const rules = policyRules(needs);
    const cluster = parse(rbacRoleYaml(rules, { name: 'webapp-operator', header: 'made by a test' }));
    expect(cluster).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'webapp-operator' },
      rules,
    });
    const role = parse(rbacRoleYaml(rules, { name: 'webapp-operator', namespace: 'no' }));
    expect(role.kind).toBe('Role');
    // `no` is YAML 1.1's false: it must come back as the string.
    expect(role.metadata.namespace).toBe('no');
  });
});
