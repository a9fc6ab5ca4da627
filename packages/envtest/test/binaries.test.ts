import { mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
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
    expect(String(error)).toMatch(
      /`npx dsoi-envtest use latest`[\s\S]*no kube-controller-manager, so no garbage collection/,
    );
  });
});

describe('findBinaries in the cache', () => {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const os = process.platform;
  /** A cache entry holding empty files under the binaries' names: the lookup only checks that they exist. */
  function entry(root: string, name: string, usedAtMs = Date.now()): string {
    const dir = join(root, name);
    mkdirSync(dir);
    for (const file of ['etcd', 'kube-apiserver', '.complete']) writeFileSync(join(dir, file), '');
    utimesSync(join(dir, '.complete'), usedAtMs / 1000, usedAtMs / 1000);
    return dir;
  }

  it('prefers the build of the pinned versions, then the release used last, then other builds', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dsoi-cache-'));
    const find = async () => (await findBinaries({ build: false, env: { DSOI_TESTBIN_DIR: root } })).dir;
    entry(root, `k8s-v1.30.0-etcd-v3.5.0-go1.22.0-${arch}`);
    expect(await find()).toBe(join(root, `k8s-v1.30.0-etcd-v3.5.0-go1.22.0-${arch}`));
    const older = entry(root, `envtest-v1.36.2-${os}-${arch}`, Date.now() - 60_000);
    const newer = entry(root, `envtest-v1.33.0-${os}-${arch}`);
    entry(root, `envtest-v1.36.2-${os === 'linux' ? 'darwin' : 'linux'}-${arch}`, Date.now() + 60_000);
    mkdirSync(join(root, '.download-x1y2z3')); // an unfinished download is never picked
    expect(await find()).toBe(newer);
    // Strictly after the newer entry's time: both could fall in the same millisecond on a fast machine.
    const usedLast = (statSync(join(newer, '.complete')).mtimeMs + 1_000) / 1000;
    utimesSync(join(older, '.complete'), usedLast, usedLast);
    expect(await find()).toBe(older);
    const pins = readFileSync(new URL('../../../tools/k8s-testbin/versions.env', import.meta.url), 'utf8');
    const [kube, etcd] = ['KUBE', 'ETCD'].map((k) => new RegExp(`^${k}_VERSION=(\\S+)`, 'm').exec(pins)![1]);
    const pinned = entry(root, `k8s-${kube}-etcd-${etcd}-go1.0.0-${arch}`);
    expect(await find()).toBe(pinned);
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
