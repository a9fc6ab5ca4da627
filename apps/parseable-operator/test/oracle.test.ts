/**
 * Oracle diff: every sample of the Go operator (`config/samples`) run by the Go operator and by ours on the same
 * control plane, each in its own namespace, their children compared kind by kind. Every difference must be declared
 * in MIGRATION.md (the user's migration guide), and every declared difference must still occur. The CRDs are compared
 * the same way: ours must refuse or prune nothing the Go CRD kept, except what MIGRATION.md declares.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestNamespace } from '@dsoi/envtest/testing';
import { peersSourceDir } from '@dsoi/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { childrenIn, type Difference, diffChildren } from './childDiff.ts';
import { stricterThanGo } from './crdDiff.ts';
import { type GoOperator, goOperatorLabel, goPeer, startGoOperator } from './goOperator.ts';
import { eventually, installParseableCrd, kubeConfig, type RunningOperator, runOperator, sleep } from './harness.ts';
import { declaredChildDifferences, declaredCrdDifferences, pathMatches } from './migrationGuide.ts';

const peerDir = join(peersSourceDir(), 'parseable-operator');
const samplesDir = join(peerDir, 'config', 'samples');
const hasSources = existsSync(join(peerDir, 'go.mod'));

const readSample = (file: string) => readFileSync(join(samplesDir, file), 'utf8');
/** The one typo that keeps two Go samples from being YAML: `P_STAGING_DIR: ""./staging"`. */
const repairQuote = (text: string) => text.replace('""./staging"', '"./staging"');

/** The Go operator's samples as it ships them, and what becomes of each. */
const samples = {
  valid: ['parseable-ephemeral.yaml', 'parseable-multi-server.yaml'],
  /** Not YAML as shipped; with the quote repaired, both CRDs accept it, so the oracle runs it too. */
  repaired: ['parseable-persistent.yaml'],
  /** Not YAML as shipped; repaired, both CRDs refuse it (`service.name` is not a ServiceSpec field). */
  rejected: ['parseable-multi-nodes.yaml'],
};

const crdOf = (text: string) => parse(text).spec.versions[0].schema.openAPIV3Schema;

describe.skipIf(!hasSources)(`the CRDs${hasSources ? '' : ` (skipped: no Go sources at ${peerDir})`}`, () => {
  it('ours refuses or prunes nothing that the Go CRD keeps, except the differences MIGRATION.md declares', () => {
    const go = crdOf(readFileSync(join(peerDir, 'config/crd/bases/parseable.io_parseabletenants.yaml'), 'utf8'));
    const ours = crdOf(
      readFileSync(join(import.meta.dirname, '../deploy/crds/parseable.io_parseabletenants.yaml'), 'utf8'),
    );
    const findings = stricterThanGo(go, ours);
    // The comparison sees what it is about: the node kinds Go took as any string are an enum here.
    expect(findings).toContainEqual(expect.objectContaining({ path: 'spec.nodes[].kind', keyword: 'enum' }));
    const declared = declaredCrdDifferences();
    const covers = (d: (typeof declared)[number], f: (typeof findings)[number]) =>
      d.keywords.includes(f.keyword) && d.paths.some((p) => pathMatches(p, f.path));
    const undeclared = findings.filter((f) => !declared.some((d) => covers(d, f)));
    expect(undeclared, 'stricter than the Go CRD and not in MIGRATION.md').toEqual([]);
    const stale = declared.filter((d) => !findings.some((f) => covers(d, f))).map((d) => d.row);
    expect(stale, 'declared in MIGRATION.md but no longer different').toEqual([]);
  });

  it('lists the samples: two are not YAML as shipped; repaired, one is accepted and one refused by both CRDs', async () => {
    expect(readdirSamples()).toEqual([...samples.valid, ...samples.repaired, ...samples.rejected].sort());
    for (const file of [...samples.repaired, ...samples.rejected]) {
      expect(() => parse(readSample(file)), file).toThrow();
    }
    for (const file of samples.valid) expect(parse(readSample(file)).kind, file).toBe('ParseableTenant');
    // Repaired, multi-nodes still sets service.name, which neither CRD has (ServiceSpec has no name).
    const go = crdOf(readFileSync(join(peerDir, 'config/crd/bases/parseable.io_parseabletenants.yaml'), 'utf8'));
    const goService = go.properties.spec.properties.k8sConfig.items.properties.service;
    expect(goService.properties.name).toBeUndefined();
    expect(goService['x-kubernetes-preserve-unknown-fields']).toBeUndefined();
    const admin = await installParseableCrd();
    const ns = await createTestNamespace(kubeConfig, 'oracle-rej');
    const tenant = parse(repairQuote(readSample('parseable-multi-nodes.yaml')));
    const refused = await admin
      .apply(
        { ...tenant, metadata: { ...tenant.metadata, namespace: ns } },
        { dryRun: true, fieldValidation: 'Strict' },
      )
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    // Server-side apply refuses a field the schema does not declare, whatever the field validation.
    expect(String(refused)).toMatch(/\.spec\.k8sConfig\[0\]\.service\.name: field not declared in schema/);
  });
});

/** The sample files of the Go project (its kustomization.yaml lists none of them). */
function readdirSamples(): string[] {
  return readdirSync(samplesDir)
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .sort();
}

describe.skipIf(!goPeer.available)(
  `oracle: the Go operator and ours on every sample${goPeer.available ? '' : ` (skipped: ${goPeer.reason})`}`,
  () => {
    let admin: Awaited<ReturnType<typeof installParseableCrd>>;
    let go: GoOperator;
    let ours: RunningOperator;
    const runId = `oracle-${Date.now().toString(36)}`;
    const cases = [
      ...samples.valid.map((file) => ({ file, tenant: parse(readSample(file)) })),
      ...samples.repaired.map((file) => ({ file, tenant: parse(repairQuote(readSample(file))) })),
    ].map((c) => ({ ...c, go: '', dsoi: '' }));

    beforeAll(async () => {
      admin = await installParseableCrd();
      for (const c of cases) {
        c.go = await createTestNamespace(kubeConfig, 'oracle-go');
        c.dsoi = await createTestNamespace(kubeConfig, 'oracle-ds');
      }
      go = await startGoOperator(kubeConfig, runId);
      ours = await runOperator({ watchNamespaces: cases.map((c) => c.dsoi) });
    });
    afterAll(async () => {
      await ours?.stop();
      await go?.stop();
    });

    /** Both operators' children, once neither has changed them over one Go requeue period (5 s) and more. */
    async function settledChildren(c: (typeof cases)[number]) {
      const snapshot = async () => ({ go: await childrenIn(admin, c.go), dsoi: await childrenIn(admin, c.dsoi) });
      const workloads = (m: Map<string, unknown>) => [...m.keys()].filter((k) => /^(Deployment|StatefulSet)\//.test(k));
      return eventually(
        async () => {
          const before = await snapshot();
          if (workloads(before.go).length === 0 || workloads(before.dsoi).length === 0) return undefined;
          await sleep(6_000);
          const after = await snapshot();
          const same = (a: Map<string, unknown>, b: Map<string, unknown>) =>
            JSON.stringify([...a]) === JSON.stringify([...b]);
          return same(before.go, after.go) && same(before.dsoi, after.dsoi) ? after : undefined;
        },
        `the children of ${c.file} to settle`,
        90_000,
      );
    }

    it('every difference between their children is declared in MIGRATION.md, and every declared one occurs', async () => {
      for (const c of cases) {
        const meta = c.tenant.metadata;
        await admin.apply({
          ...c.tenant,
          metadata: { ...meta, namespace: c.go, labels: { [goOperatorLabel]: runId } },
        });
        await admin.apply({ ...c.tenant, metadata: { ...meta, namespace: c.dsoi } });
      }
      const settled = await Promise.race([Promise.all(cases.map(settledChildren)), go.crashed]);
      const differences: (Difference & { file: string })[] = [];
      settled.forEach((children, i) => {
        // Both operators made the same children (by kind and name) for every sample.
        expect([...children.dsoi.keys()], cases[i]!.file).toEqual([...children.go.keys()]);
        for (const d of diffChildren(children.go, children.dsoi)) differences.push({ ...d, file: cases[i]!.file });
      });
      const declared = declaredChildDifferences();
      const covers = (row: (typeof declared)[number], d: Difference) => {
        const path = d.path.replace(/\[\d+\]/g, '[]');
        return row.kinds.includes(d.kind) && [row.path, `${row.path}.`, `${row.path}[`].some((p) => path.startsWith(p));
      };
      const undeclared = differences.filter((d) => !declared.some((row) => covers(row, d)));
      expect(undeclared, 'differences not declared in MIGRATION.md').toEqual([]);
      const stale = declared.filter((row) => !differences.some((d) => covers(row, d)));
      expect(stale, 'declared in MIGRATION.md but no longer different').toEqual([]);
    });
    it('the Go operator dies on spec.external (so no sample uses it and MIGRATION.md lists it as a behaviour change)', async () => {
      // Its own process: the one above must keep running.
      const value = `${runId}-external`;
      const lone = await startGoOperator(kubeConfig, value);
      try {
        const ns = await createTestNamespace(kubeConfig, 'oracle-ext');
        const tenant = parse(readSample('parseable-ephemeral.yaml'));
        tenant.metadata = { ...tenant.metadata, namespace: ns, labels: { [goOperatorLabel]: value } };
        tenant.spec.external = { objectStore: { spec: { type: 's3-store', data: 'P_S3_URL=http://s3' } } };
        await admin.apply(tenant);
        await expect(lone.crashed).rejects.toThrow(/exited with code 2/);
        expect(lone.log()).toMatch(/panic: runtime error: invalid memory address or nil pointer dereference/);
        expect(lone.log()).toContain('makeExternalConfigMap');
      } finally {
        await lone.stop();
      }
    });
  },
);
