// 401 and 403 from a real API server: a ServiceAccount with narrow RBAC gets errors naming what it lacks.
import { serviceAccountKubeConfig, testKubeConfig } from '@dsoi/envtest/testing';
import { KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, isForbidden, UnauthorizedError } from '../src/errors.js';
import { createClient } from '../src/index.js';
import { adminClient, newNamespace } from './helpers.js';

let namespace: string;
let narrowKubeConfig: KubeConfig;

beforeAll(async () => {
  namespace = await newNamespace('client-rbac');
  const admin = adminClient();
  await admin.apply({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'readable', namespace },
    data: { a: '1' },
  });
  narrowKubeConfig = await serviceAccountKubeConfig(testKubeConfig(), {
    namespace,
    name: 'narrow',
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
  });
});

describe('RBAC errors', () => {
  it('lets the service account do what its Role grants', async () => {
    const client = createClient({ kubeConfig: narrowKubeConfig, fieldManager: 'narrow' });
    const read = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'readable' });
    expect(read.metadata?.name).toBe('readable');
  });

  it('answers a write it lacks with a ForbiddenError naming verb, resource, namespace and user', async () => {
    const client = createClient({ kubeConfig: narrowKubeConfig, fieldManager: 'narrow' });
    const err = await client
      .apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'readable', namespace }, data: { a: '2' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(isForbidden(err)).toBe(true);
    const forbidden = err as ForbiddenError;
    expect(forbidden.code).toBe(403);
    expect(forbidden.message).toBe(
      `apply v1 ConfigMap ${namespace}/readable: Forbidden: User "system:serviceaccount:${namespace}:narrow" ` +
        `cannot patch resource "configmaps" in API group "" in the namespace "${namespace}"`,
    );
    expect([forbidden.verb, forbidden.resource, forbidden.group, forbidden.namespace, forbidden.user]).toEqual([
      'patch',
      'configmaps',
      '',
      namespace,
      `system:serviceaccount:${namespace}:narrow`,
    ]);
  });

  it('names the group of a denied kind outside the core group, and a denied list', async () => {
    const client = createClient({ kubeConfig: narrowKubeConfig, fieldManager: 'narrow' });
    const patch = await client
      .patch(
        { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace, name: 'pinot-broker' },
        { type: 'merge', body: { spec: { replicas: 2 } } },
      )
      .catch((e: unknown) => e);
    expect(patch).toBeInstanceOf(ForbiddenError);
    expect((patch as Error).message).toBe(
      `patch apps/v1 StatefulSet ${namespace}/pinot-broker: Forbidden: User "system:serviceaccount:${namespace}:narrow" ` +
        `cannot patch resource "statefulsets" in API group "apps" in the namespace "${namespace}"`,
    );
    const list = await client.list({ apiVersion: 'v1', kind: 'ConfigMap' }).catch((e: unknown) => e);
    expect(list).toBeInstanceOf(ForbiddenError);
    expect((list as ForbiddenError).verb).toBe('list');
    expect((list as Error).message).toContain('at the cluster scope');
  });

  it('answers a bad token with UnauthorizedError', async () => {
    const cluster = testKubeConfig().getCurrentCluster()!;
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'intruder', token: 'not-a-token' }],
      contexts: [{ name: 'intruder', cluster: cluster.name, user: 'intruder' }],
      currentContext: 'intruder',
    });
    const client = createClient({ kubeConfig, fieldManager: 'intruder' });
    const err = await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'default' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect((err as UnauthorizedError).code).toBe(401);
  });
});
