/**
 * The Helm chart of deploy/chart, rendered by real Helm: its ClusterRole grants exactly the generated rules (no more,
 * no less) and it installs the generated CRD. (A repository test: the scaffold does not copy it, since a user's
 * machine may have no Helm.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helmTemplate } from '@dsoi/chart-testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const read = (path: string) => parse(readFileSync(join(root, path), 'utf8'));

describe('deploy/chart', () => {
  it('grants the generated ClusterRole rules to its ServiceAccount and installs the generated CRD', async () => {
    const objects = await helmTemplate(
      join(root, 'deploy/chart'),
      { name: 'webapp-operator', namespace: 'operators' },
      { includeCrds: true },
    );
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual([
      'ClusterRole/webapp-operator',
      'ClusterRoleBinding/webapp-operator',
      'CustomResourceDefinition/webapps.example.com',
      'Deployment/webapp-operator',
      'ServiceAccount/webapp-operator',
    ]);
    const role = objects.find((o) => o.kind === 'ClusterRole');
    expect(role.rules).toEqual(read('deploy/rbac/role.yaml').rules);
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'webapp-operator', namespace: 'operators' }]);
    const crd = objects.find((o) => o.kind === 'CustomResourceDefinition');
    expect(crd).toEqual(read('deploy/crds/example.com_webapps.yaml'));
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('webapp-operator');
  });

  it('passes watchNamespace to the operator as WATCH_NAMESPACE', async () => {
    const objects = await helmTemplate(join(root, 'deploy/chart'), {
      name: 'web',
      namespace: 'operators',
      values: { watchNamespace: 'team-a' },
    });
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].env).toEqual([{ name: 'WATCH_NAMESPACE', value: 'team-a' }]);
  });
});
