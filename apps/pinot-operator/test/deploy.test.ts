import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@dsoi/client';
import { createTestNamespace } from '@dsoi/envtest/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { installPinotCrds, kubeConfig } from './harness.js';
import { renderChart } from './renderChart.js';

let admin: Client;
beforeAll(async () => {
  admin = await installPinotCrds();
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
