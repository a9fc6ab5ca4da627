import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractKubernetesSchemas, kubernetesSchemaSet } from '@dsoi/builder/crd';
import { chartAndGeneratedRules, checkGeneratedFiles } from '@dsoi/chart-testing';
import type { Client } from '@dsoi/client';
import { isInvalid } from '@dsoi/client/errors';
import { createTestNamespace, testKubeConfig } from '@dsoi/envtest/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fetchOpenApi } from '../../../tools/k8s-openapi/fetchOpenApi.ts';
import { pinotCrds } from '../src/api/crds.ts';
import { minimalPinot } from './fixtures.ts';
import { installPinotCrds } from './harness.ts';

const kubeConfig = testKubeConfig();
const appDir = join(import.meta.dirname, '..');
let admin: Client;

beforeAll(async () => {
  admin = await installPinotCrds();
});

describe('generated CRDs', () => {
  it('the committed deploy/crds and chart CRD files match the zod schemas (run `npm run generate` if not)', async () => {
    await checkGeneratedFiles(appDir);
  });

  it("the chart grants exactly the rules dsoi generate rbac derives from the manager's start-up check", () => {
    const { chart, generated } = chartAndGeneratedRules(appDir);
    expect(chart).toEqual(generated);
  });

  it('the committed Kubernetes schemas match what the live kube-apiserver serves', async () => {
    const { document, kubernetesVersion } = await fetchOpenApi(kubeConfig);
    const committed = kubernetesSchemaSet();
    expect(committed.kubernetesVersion).toBe(kubernetesVersion);
    expect(extractKubernetesSchemas(document)).toEqual(committed.schemas);
  });

  it('the committed YAML holds every field of the generated objects (no lossy serializer)', () => {
    for (const crd of pinotCrds()) {
      const file = join(appDir, 'deploy', 'crds', `datainfra.io_${crd.spec.names.plural}.yaml`);
      const parsed = parse(readFileSync(file, 'utf8'));
      expect(parsed).toEqual(JSON.parse(JSON.stringify(crd)));
    }
  });

  it('keeps the Go names: group, version, kinds, plurals, scope, status subresource, printer columns', () => {
    const summary = pinotCrds().map((crd) => ({
      name: crd.metadata.name,
      kind: crd.spec.names.kind,
      scope: crd.spec.scope,
      versions: crd.spec.versions.map((v) => [v.name, v.served, v.storage, v.subresources]),
      columns: crd.spec.versions[0]!.additionalPrinterColumns?.map((c) => `${c.name}=${c.jsonPath}`) ?? [],
    }));
    const version = ['v1beta1', true, true, { status: {} }];
    expect(summary).toEqual([
      {
        name: 'pinots.datainfra.io',
        kind: 'Pinot',
        scope: 'Namespaced',
        versions: [version],
        columns: ['Age=.metadata.creationTimestamp'],
      },
      {
        name: 'pinotschemas.datainfra.io',
        kind: 'PinotSchema',
        scope: 'Namespaced',
        versions: [version],
        columns: ['Age=.metadata.creationTimestamp', 'Pinot_Cluster=.spec.pinotCluster'],
      },
      {
        name: 'pinottables.datainfra.io',
        kind: 'PinotTable',
        scope: 'Namespaced',
        versions: [version],
        columns: [
          'Age=.metadata.creationTimestamp',
          'Pinot_Cluster=.spec.pinotCluster',
          'Pinot_Schema=.spec.pinotSchema',
        ],
      },
      { name: 'pinottenants.datainfra.io', kind: 'PinotTenant', scope: 'Namespaced', versions: [version], columns: [] },
    ]);
  });
});

describe('the API server validates Pinot objects with the generated schema', () => {
  const create = (ns: string, edit: (spec: any) => void) => {
    const pinot = minimalPinot(ns, 'p');
    edit(pinot.spec);
    return admin.create(pinot, { dryRun: true });
  };
  const rejection = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isInvalid(err), String(err)).toBe(true);
    return String((err as Error).message);
  };

  it('accepts the Go operator manifest unchanged (Statefulset spelling, int-or-string ports, quantities)', async () => {
    const ns = await createTestNamespace(kubeConfig, 'crd');
    await create(ns, () => {});
    await create(ns, (spec) => {
      spec.nodes[0].kind = 'StatefulSet';
      spec.k8sConfig[0].resources = { limits: { cpu: 1, memory: '1Gi' } };
      spec.k8sConfig[0].service.ports[0].targetPort = 'controller';
    });
  });

  it('rejects a node naming a missing k8sConfig or pinotNodeConfig, with a clear message (CEL)', async () => {
    const ns = await createTestNamespace(kubeConfig, 'crd');
    expect(await rejection(create(ns, (spec) => (spec.nodes[1].k8sConfig = 'nope')))).toContain(
      'spec.nodes[].k8sConfig must name an entry of spec.k8sConfig',
    );
    expect(await rejection(create(ns, (spec) => (spec.nodes[0].pinotNodeConfig = 'gone')))).toContain(
      'spec.nodes[].pinotNodeConfig must name an entry',
    );
  });

  it('rejects what the Go operator crashed on or silently ignored', async () => {
    const ns = await createTestNamespace(kubeConfig, 'crd');
    expect(await rejection(create(ns, (spec) => (spec.nodes[0].kind = 'DaemonSet')))).toContain('kind');
    expect(await rejection(create(ns, (spec) => (spec.nodes[0].nodeType = 'zookeeper')))).toContain('nodeType');
    expect(await rejection(create(ns, (spec) => (spec.deploymentOrder = ['broker'])))).toContain(
      'must be listed in spec.deploymentOrder',
    );
    expect(await rejection(create(ns, (spec) => (spec.deploymentOrder = [])))).toContain('deploymentOrder');
    expect(await rejection(create(ns, (spec) => spec.nodes.push({ ...spec.nodes[0] })))).toContain('Duplicate');
    expect(await rejection(create(ns, (spec) => (spec.k8sConfig[0].service.ports[0].protocol = 'XTP')))).toContain(
      'protocol',
    );
  });
});
