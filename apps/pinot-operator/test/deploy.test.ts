import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeChart, helmTemplate } from '@dsoi/chart-testing';
import { kubeconfigEnv } from '@dsoi/envtest/testing';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubeConfig, pinotFixture } from './harness.ts';

const { admin, namespace } = pinotFixture();

const examplesDir = join(import.meta.dirname, '..', 'examples');

describeChart({
  chartDir: join(import.meta.dirname, '..', 'deploy', 'chart'),
  packageJson: join(import.meta.dirname, '..', 'package.json'),
  admin: () => admin,
  kubeConfig,
  kubeconfigPath: process.env[kubeconfigEnv]!,
  appValues: { pinotHttpTimeout: '30s', pinotControllerUrl: 'http://pinot-controller.pinot:9000' },
  expectAppValues: (container) => {
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({
      PINOT_HTTP_TIMEOUT: '30s',
      PINOT_CONTROLLER_URL: 'http://pinot-controller.pinot:9000',
    });
  },
});

describe('secretNamespaces', () => {
  it('grants get on Secrets in each listed namespace only (a Role, never cluster-wide) and passes SECRET_NAMESPACES', async () => {
    const chartDir = join(import.meta.dirname, '..', 'deploy', 'chart');
    const objects = await helmTemplate(chartDir, {
      name: 'pinot',
      namespace: 'ops',
      values: { watchNamespaces: ['team-a'], secretNamespaces: ['shared-secrets'] },
    });
    const kinds = objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(kinds.filter((k) => k.startsWith('Cluster'))).toEqual([]);
    const secretsRole = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === 'shared-secrets');
    expect(secretsRole.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    expect(kinds).toContain('RoleBinding shared-secrets/pinot-secrets');
    const container = objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'SECRET_NAMESPACES', value: 'shared-secrets' });
  });
});

describe('examples', () => {
  it('every example applies with a server-side dry run (the Go samples, repaired)', async () => {
    const ns = await namespace('examples');
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
    // No example ships a Secret (a password in a repository is a password everyone has): the user creates it.
    expect([...kinds].sort()).toEqual(['Pinot', 'PinotSchema', 'PinotTable', 'PinotTenant']);
  });
});
