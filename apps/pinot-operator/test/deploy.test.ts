import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@dsoi/client';
import { createTestNamespace, serviceAccountKubeConfig } from '@dsoi/envtest/testing';
import { createLogger } from '@dsoi/reconcile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createPinotOperator } from '../src/operator.js';
import { startFakePinot } from './fakePinot.js';
import { minimalPinot, pinotSchemaCr } from './fixtures.js';
import { exists, installPinotCrds, kubeConfig, read, types } from './harness.js';
import { renderChart } from './renderChart.js';

let admin: Client;
const clusterScoped: { apiVersion: string; kind: string; name: string }[] = [];
beforeAll(async () => {
  admin = await installPinotCrds();
});
afterAll(async () => {
  for (const ref of clusterScoped) await admin.delete(ref).catch(() => {});
});

const examplesDir = join(import.meta.dirname, '..', 'examples');

describe('deploy/chart', () => {
  it('renders to manifests the API server accepts (server-side dry run)', async () => {
    const ns = await createTestNamespace(kubeConfig, 'chart');
    const manifests = renderChart({ name: 'pinot-operator', namespace: ns });
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'ClusterRole/pinot-operator',
      'ClusterRoleBinding/pinot-operator',
      'Deployment/pinot-operator',
      'Role/pinot-operator-leader-election',
      'RoleBinding/pinot-operator-leader-election',
      'ServiceAccount/pinot-operator',
    ]);
    for (const manifest of manifests) await admin.apply(manifest, { dryRun: true, fieldValidation: 'Strict' });
    const deployment = manifests.find((m) => m.kind === 'Deployment')!;
    const container = deployment.spec.template.spec.containers[0];
    expect(container.env.find((e: any) => e.name === 'RECONCILE_WAIT').value).toBe('10s');
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
  });

  it("grants exactly enough: the operator converges a cluster and a schema as the chart's ServiceAccount", async () => {
    const ns = await createTestNamespace(kubeConfig, 'rbac');
    const release = `pinot-operator-${ns.split('-').at(-1)}`;
    for (const manifest of renderChart({ name: release, namespace: ns }).filter((m) => m.kind !== 'Deployment')) {
      await admin.apply(manifest, { force: true });
      if (!manifest.metadata.namespace)
        clusterScoped.push({ apiVersion: manifest.apiVersion, kind: manifest.kind, name: manifest.metadata.name });
    }
    const asOperator = await serviceAccountKubeConfig(kubeConfig, { namespace: ns, name: release });
    const pinot = await startFakePinot({ username: 'admin', password: 'pw' });
    const operator = createPinotOperator({
      kubeConfig: asOperator,
      watchNamespaces: [ns],
      reconcileWaitMs: 1_000,
      controllerUrl: pinot.url,
      leaderElection: { namespace: ns, leaseName: 'e8b13a47.datainfra.io', retryPeriodMs: 500 },
      probes: false,
      metrics: false,
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    const stop = new AbortController();
    const run = operator.start(stop.signal);
    try {
      await admin.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'auth', namespace: ns },
        stringData: { CONTROL_PLANE_USERNAME: 'admin', CONTROL_PLANE_PASSWORD: 'pw' },
      });
      const cluster = minimalPinot(ns);
      cluster.spec.auth = { type: 'basic-auth', secretRef: { name: 'auth', namespace: ns } };
      await admin.create(cluster);
      await admin.create(pinotSchemaCr(ns));
      const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000, interval: 250 });
      await poll(() => exists(admin, types.deployment, ns, 'pinot-broker-broker')).toBe(true);
      await poll(async () => (await read(admin, types.pinot, ns, 'pinot-simple')).status?.observedGeneration).toBe(1);
      await poll(async () => (await read(admin, types.schema, ns, 'baseballstats')).status?.type).toBe(
        'PinotSchemaControllerCreateSuccess',
      );
      await admin.delete({ ...types.schema, namespace: ns, name: 'baseballstats' });
      await poll(() => exists(admin, types.schema, ns, 'baseballstats')).toBe(false);
      expect(
        await exists(admin, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' }, ns, 'e8b13a47.datainfra.io'),
      ).toBe(true);
      const events = await admin.list(types.event, { namespace: ns });
      expect(events.items.length).toBeGreaterThan(0);
    } finally {
      stop.abort();
      await run;
      await pinot.close();
    }
  });
});

describe('examples', () => {
  it('every example applies with a server-side dry run (the Go samples, repaired)', async () => {
    const ns = await createTestNamespace(kubeConfig, 'examples');
    const files = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const kinds = new Set<string>();
    for (const file of files) {
      for (const doc of parseAllDocuments(readFileSync(join(examplesDir, file), 'utf8')).map((d) => d.toJS() as any)) {
        const object = { ...doc, metadata: { ...doc.metadata, namespace: ns } };
        if (object.spec?.auth?.secretRef) object.spec.auth.secretRef.namespace = ns;
        await admin.apply(object, { dryRun: true, fieldValidation: 'Strict' }).catch((err: unknown) => {
          throw new Error(`${file} ${doc.kind}/${doc.metadata.name}: ${(err as Error).message}`);
        });
        kinds.add(doc.kind);
      }
    }
    expect([...kinds].sort()).toEqual(['Pinot', 'PinotSchema', 'PinotTable', 'PinotTenant', 'Secret']);
  });
});
