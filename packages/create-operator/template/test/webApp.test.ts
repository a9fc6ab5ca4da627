/**
 * The tutorial, run: the generated CRD and ClusterRole are installed, the operator runs as a ServiceAccount holding
 * only that ClusterRole, and a WebApp gets its Deployment, Service, conditions and Events.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Client, createClient } from '@dsoi/client';
import {
  createTestNamespace,
  installCrds,
  markWorkloadReady,
  serviceAccountKubeConfig,
  testKubeConfig,
} from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createOperator } from '../src/operator.ts';
import { type WebApp, webAppResource } from '../src/webApp.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const kubeConfig = testKubeConfig();
const stop = new AbortController();
let admin: Client;
let namespace: string;
let running: Promise<void>;

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const webApp = (name: string) => webAppResource.handle(admin).get({ name, namespace });
const available = (app: WebApp) => app.status?.conditions?.find((c) => c.type === 'Available');

beforeAll(async () => {
  // As `kubectl apply -f deploy/crds` would: the committed file, which the first test keeps equal to the schema.
  await installCrds(kubeConfig, [join(root, 'deploy/crds/example.com_webapps.yaml')]);
  admin = createClient({ kubeConfig, fieldManager: 'tutorial-test' });
  namespace = await createTestNamespace(kubeConfig, 'tutorial');
  // deploy/rbac/role.yaml as generated, bound to the operator's ServiceAccount: the operator gets nothing else.
  const role = parse(readFileSync(join(root, 'deploy/rbac/role.yaml'), 'utf8')) as KubeObject;
  const roleName = `webapp-operator-${namespace}`;
  await admin.create({ ...role, metadata: { name: roleName } });
  await admin.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: roleName },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: [{ kind: 'ServiceAccount', name: 'webapp-operator', namespace }],
  });
  const operatorConfig = await serviceAccountKubeConfig(kubeConfig, { namespace, name: 'webapp-operator' });
  // The binding takes effect within a moment; until then start() rejects with a MissingPermissionsError.
  const started = await until('the operator to start with only the generated ClusterRole', async () => {
    const operator = createOperator({ kubeConfig: operatorConfig, namespace, probes: false, metrics: false });
    const run = operator.start(stop.signal);
    const failed = await Promise.race([
      run.then(
        () => false,
        () => true,
      ),
      new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false)),
    ]);
    return failed ? undefined : { run };
  });
  running = started.run;
});

afterAll(async () => {
  stop.abort();
  await running;
});

describe('the tutorial WebApp operator', () => {
  it('keeps deploy/ (the CRD, the ClusterRole and their copies in the chart) equal to what dsoi generate writes', async () => {
    await run('npm', ['run', 'generate:check'], { cwd: root });
  });

  it('creates a Deployment and a Service owned by the WebApp, and reports Available=False until pods are ready', async () => {
    await webAppResource.handle(admin).apply({
      metadata: { name: 'hello', namespace },
      spec: { image: 'nginx:1.27', replicas: 2 },
    });
    const deployment = await until('the Deployment', () =>
      admin.get<
        KubeObject & { metadata: { ownerReferences?: { kind: string; name: string; controller?: boolean }[] } }
      >({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace,
        name: 'hello',
      }),
    );
    expect(deployment.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'WebApp', name: 'hello', controller: true });
    // The two children are applied together: the Service may land just after the Deployment.
    const service = await until('the Service', () =>
      admin.get<KubeObject & { spec: { ports: { port: number; targetPort: number }[] } }>({
        apiVersion: 'v1',
        kind: 'Service',
        namespace,
        name: 'hello',
      }),
    );
    expect(service.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080 });
    const app = await until('Available=False', async () => {
      const live = await webApp('hello');
      return available(live)?.reason === 'ReplicasNotReady' ? live : undefined;
    });
    expect(available(app)).toMatchObject({ status: 'False', message: '0/2 replicas ready', observedGeneration: 1 });
  });

  it('turns Available=True with an Event once the Deployment is ready', async () => {
    await markWorkloadReady(kubeConfig, { kind: 'Deployment', namespace, name: 'hello' });
    const app = await until('Available=True', async () => {
      const live = await webApp('hello');
      return available(live)?.status === 'True' ? live : undefined;
    });
    expect(app.status).toMatchObject({ readyReplicas: 2, observedGeneration: 1 });
    const events = await until('the Available Event', async () => {
      const list = await admin.list<KubeObject & { reason?: string; regarding?: { name?: string } }>(
        { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
        { namespace },
      );
      const reasons = list.items.filter((e) => e.regarding?.name === 'hello').map((e) => e.reason);
      return reasons.includes('Available') ? reasons : undefined;
    });
    expect(events).toContain('Created');
  });
});
