import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BinariesNotFoundError, findBinaries } from '../src/index.js';

describe('findBinaries', () => {
  it('finds the built binaries in the cache', async () => {
    const found = await findBinaries({ build: false });
    expect(found.kubeApiServer).toMatch(/kube-apiserver$/);
    expect(found.etcd).toMatch(/etcd$/);
  });

  it('honours KUBEBUILDER_ASSETS, and says so when it points nowhere useful', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'dsoi-empty-'));
    await expect(findBinaries({ env: { KUBEBUILDER_ASSETS: empty } })).rejects.toThrow(
      `KUBEBUILDER_ASSETS points at ${empty}, which does not hold both etcd and kube-apiserver`,
    );
  });

  it('lists every way to provide binaries when none are found', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'dsoi-empty-'));
    const error = await findBinaries({ build: false, env: { DSOI_TESTBIN_DIR: empty } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BinariesNotFoundError);
    expect(String(error)).toMatch(/DSOI_ENVTEST_ASSETS/);
    expect(String(error)).toMatch(/dsoi-envtest build/);
  });
});

describe('loadCrds', () => {
  it('keeps x-kubernetes-* keys of CRD files intact (CEL rules, list-map keys)', async () => {
    const { writeFileSync } = await import('node:fs');
    const { loadCrds } = await import('../src/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'dsoi-crd-'));
    writeFileSync(
      join(dir, 'crd.yaml'),
      [
        'apiVersion: apiextensions.k8s.io/v1',
        'kind: CustomResourceDefinition',
        'metadata: { name: things.example.io }',
        'spec:',
        '  group: example.io',
        '  names: { plural: things, kind: Thing }',
        '  versions:',
        '  - name: v1',
        '    schema:',
        '      openAPIV3Schema:',
        '        type: object',
        "        x-kubernetes-validations: [{ rule: 'has(self.spec)' }]",
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: { name: ignored }',
      ].join('\n'),
    );
    const [crd, ...rest] = loadCrds([dir]);
    expect(rest).toEqual([]);
    const schema = (crd!.spec.versions[0] as unknown as { schema: { openAPIV3Schema: Record<string, unknown> } })
      .schema;
    expect(schema.openAPIV3Schema['x-kubernetes-validations']).toEqual([{ rule: 'has(self.spec)' }]);
  });
});
