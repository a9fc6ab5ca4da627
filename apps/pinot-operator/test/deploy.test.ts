import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeChart } from '@dsoi/chart-testing';
import type { Client } from '@dsoi/client';
import { createTestNamespace, kubeconfigEnv } from '@dsoi/envtest/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { installPinotCrds, kubeConfig } from './harness.ts';

let admin: Client;
beforeAll(async () => {
  admin = await installPinotCrds();
});

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
