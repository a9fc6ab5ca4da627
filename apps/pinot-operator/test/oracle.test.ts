/**
 * Oracle diff: every sample custom resource of the Go operator (`config/samples`, `tutorials/*`) is run by the Go
 * operator and by ours on the same control plane, each in its own namespace, and their children are compared kind
 * by kind. Every difference must be declared in MIGRATION.md (the migration guide), and every declared difference
 * must still occur. Our CRDs are the ones installed (`datainfra.io`); the Go CRDs are installed under the group
 * `datainfra-go.io` only to ask the API server which samples they accept.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Client, KubeObject } from '@dsoi/client';
import type { CustomResourceDefinitionObject } from '@dsoi/envtest';
import { createTestNamespace, installCrds } from '@dsoi/envtest/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { pinotCrds } from '../src/api/crds.ts';
import {
  allNamespacesBut,
  goCrds,
  goPinotOperator,
  type RunningGoOperator,
  startGoPinotOperator,
} from './goOperator.ts';
import { installPinotCrds, kubeConfig, type RunningOperator, runOperator, types } from './harness.ts';
import {
  type ChildDifference,
  covers,
  crdFieldPaths,
  diffChildren,
  normalise,
  readDeclaredDifferences,
  readSamplesTable,
} from './oracleDiff.ts';

const migrationFile = join(import.meta.dirname, '..', 'MIGRATION.md');
const peer = await goPinotOperator();
const goGroup = 'datainfra-go.io';
const storageClassVariable = ['$', '{STORAGE_CLASS_NAME}'].join('');
const childKinds = [
  types.configMap,
  types.service,
  types.statefulSet,
  types.deployment,
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
] as const;

interface Sample {
  /** Path in the Go operator's tree, e.g. `tutorials/00-pinot-kind/pinot-basic.yaml`. */
  readonly file: string;
  readonly object: KubeObject & { spec: any };
  goCrd?: string;
  dsoiCrd?: string;
  goNamespace?: string;
  dsoiNamespace?: string;
}

/** Every datainfra.io custom resource in the samples and tutorials (other documents, e.g. Jobs, are not CRs). */
function loadSamples(sourceDir: string): Sample[] {
  const dirs = [
    'config/samples',
    ...readdirSync(join(sourceDir, 'tutorials'))
      .sort()
      .map((d) => `tutorials/${d}`),
  ];
  return dirs.flatMap((dir) =>
    readdirSync(join(sourceDir, dir))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .flatMap((f) =>
        // The tutorials are templates: their docs run them through `envsubst` with STORAGE_CLASS_NAME=standard.
        parseAllDocuments(readFileSync(join(sourceDir, dir, f), 'utf8').replaceAll(storageClassVariable, 'standard'))
          .map((doc) => doc.toJS() as (KubeObject & { spec: any }) | null)
          // Also a sample whose apiVersion is broken (`datainfra.io.datainfra.io/v1beta1`): both CRDs reject it.
          .filter((o) => /datainfra\.io/.test(o?.apiVersion ?? ''))
          .map((object) => ({ file: relative(sourceDir, join(sourceDir, dir, f)), object: object! })),
      ),
  );
}

/** The Go CRDs under another group, so they can sit beside ours and answer dry runs. */
function regrouped(crds: CustomResourceDefinitionObject[]): CustomResourceDefinitionObject[] {
  return crds.map((crd) => {
    const copy = JSON.parse(JSON.stringify(crd)) as CustomResourceDefinitionObject & { spec: any; metadata: any };
    copy.spec.group = goGroup;
    copy.metadata = { name: `${copy.spec.names.plural}.${goGroup}` };
    return copy;
  });
}

/** `accepted`, or the API server's answer shortened to its first cause. */
async function dryRun(admin: Client, object: KubeObject, namespace: string): Promise<string> {
  try {
    await admin.create({ ...object, metadata: { ...object.metadata, namespace } }, { dryRun: true });
    return 'accepted';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return `rejected: ${message.replace(/\s+/g, ' ').slice(0, 160)}`;
  }
}

async function childrenOf(admin: Client, namespace: string) {
  const lists = await Promise.all(childKinds.map((type) => admin.list<KubeObject>(type, { namespace })));
  return lists.flatMap((list, i) =>
    list.items
      .filter((o) => o.metadata?.name !== 'kube-root-ca.crt')
      .map((o) => normalise({ ...o, ...childKinds[i] } as Record<string, unknown>, namespace)),
  );
}

describe.skipIf(!peer.available)('oracle: the Go operator and ours on every sample', () => {
  let admin: Client;
  let samples: Sample[] = [];
  let go: RunningGoOperator | undefined;
  let ours: RunningOperator | undefined;
  const differences: ChildDifference[] = [];

  beforeAll(async () => {
    if (!peer.available) return;
    admin = await installPinotCrds();
    await installCrds(kubeConfig, regrouped(goCrds(peer.sourceDir)));
    samples = loadSamples(peer.sourceDir);
    const validation = await createTestNamespace(kubeConfig, 'oracle-crd');
    for (const sample of samples) {
      const goVersion = {
        ...sample.object,
        apiVersion: String(sample.object.apiVersion).replace('datainfra.io', goGroup),
      };
      sample.goCrd = await dryRun(admin, goVersion, validation);
      sample.dsoiCrd = await dryRun(admin, sample.object, validation);
    }
    const clusters = samples.filter((s) => s.object.kind === 'Pinot' && s.dsoiCrd === 'accepted');
    for (const sample of clusters) {
      sample.goNamespace = await createTestNamespace(kubeConfig, 'oracle-go');
      sample.dsoiNamespace = await createTestNamespace(kubeConfig, 'oracle-ds');
    }
    const dsoiNamespaces = clusters.map((s) => s.dsoiNamespace!);
    ours = await runOperator({ watchNamespaces: dsoiNamespaces, reconcileWaitMs: 30_000 });
    const goNamespaces = clusters.map((s) => s.goNamespace!);
    go = await startGoPinotOperator(peer.binary, { denyList: await allNamespacesBut(admin, goNamespaces) });
    for (const sample of clusters) {
      for (const namespace of [sample.goNamespace!, sample.dsoiNamespace!]) {
        await admin.create({ ...sample.object, metadata: { ...sample.object.metadata, namespace } });
      }
    }
  });

  afterAll(async () => {
    await go?.stop();
    await ours?.stop();
    // The namespaces go, so a later Go operator on this control plane finds nothing of ours to act on.
    const namespaces = samples.flatMap((s) => [s.goNamespace, s.dsoiNamespace]).filter(Boolean) as string[];
    await Promise.all(
      namespaces.map((name) => admin?.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch(() => undefined)),
    );
  });

  it('finds the samples: every Pinot cluster of config/samples and each tutorial, and the REST kinds', () => {
    expect(samples.filter((s) => s.object.kind === 'Pinot').length).toBeGreaterThanOrEqual(10);
    expect(new Set(samples.map((s) => s.object.kind))).toEqual(
      new Set(['Pinot', 'PinotSchema', 'PinotTable', 'PinotTenant']),
    );
  });

  it('our CRDs hold every field of the Go CRDs, except the declared ones', () => {
    const ours = new Map(pinotCrds().map((crd) => [crd.spec.names.plural, crd]));
    for (const goCrd of goCrds(peer.available ? peer.sourceDir : '') as any[]) {
      const plural = goCrd.spec.names.plural as string;
      const dsoiCrd = ours.get(plural) as any;
      // The state the test is named after: the same CRD names (both cannot be installed at once).
      expect(dsoiCrd?.metadata.name).toBe(goCrd.metadata.name);
      const dsoiFields = crdFieldPaths(dsoiCrd.spec.versions[0].schema.openAPIV3Schema);
      for (const field of crdFieldPaths(goCrd.spec.versions[0].schema.openAPIV3Schema)) {
        if (!dsoiFields.has(field)) {
          differences.push({
            sample: 'config/crd/bases',
            kind: 'CRD',
            name: plural,
            path: `${plural}${field}`,
            go: 'defined',
            dsoi: undefined,
          });
        }
      }
    }
  });

  it('lists in MIGRATION.md which CRDs accept each sample and which samples are compared', () => {
    const rows = samples.map((s) => [
      `\`${s.file}\``,
      s.object.kind,
      s.goCrd!.startsWith('accepted') ? 'accepted' : 'rejected',
      s.dsoiCrd!.startsWith('accepted') ? 'accepted' : 'rejected',
      s.goNamespace ? 'children compared' : s.object.kind === 'Pinot' ? 'not compared' : 'no children (REST only)',
    ]);
    expect(
      readSamplesTable(migrationFile).map((row) => row.slice(0, 5)),
      `samples and CRD answers:\n${samples.map((s) => `${s.file}: Go ${s.goCrd}; dsoi ${s.dsoiCrd}`).join('\n')}`,
    ).toEqual(rows);
  });

  it('both operators create every workload of each compared sample, and every difference is declared in MIGRATION.md', async () => {
    const clusters = samples.filter((s) => s.goNamespace);
    const workloads = async (namespace: string) =>
      (
        await Promise.all([types.statefulSet, types.deployment].map((t) => admin.list<KubeObject>(t, { namespace })))
      ).flatMap((l) => l.items.map((o) => o.metadata!.name!));
    for (const sample of clusters) {
      const expected = (sample.object.spec.nodes as { name: string; k8sConfig: string }[])
        .map((n) => `${n.name}-${n.k8sConfig}`)
        .sort();
      // The state the test is named after: the Go operator (and ours) made the workload of every node.
      await expect
        .poll(async () => (await workloads(sample.goNamespace!)).sort(), { timeout: 60_000, interval: 500 })
        .toEqual(expected);
      await expect
        .poll(async () => (await workloads(sample.dsoiNamespace!)).sort(), { timeout: 60_000, interval: 500 })
        .toEqual(expected);
      // Ours finished the pass that made them (its status says which generation it saw).
      await expect
        .poll(
          async () =>
            (
              await admin.get<any>({
                ...types.pinot,
                namespace: sample.dsoiNamespace!,
                name: sample.object.metadata!.name!,
              })
            ).status?.observedGeneration,
          { timeout: 60_000, interval: 500 },
        )
        .toBe(1);
    }
    // The Go operator writes a node's ConfigMap and Service in passes of their own, after or before its workload; on a
    // loaded machine some are still missing when the workloads exist. Wait (bounded) until it has made the objects
    // ours made, so a slow pass is not read as a difference; a real one still shows once the deadline passes.
    const objectNames = async (namespace: string) =>
      (
        await Promise.all(
          [types.configMap, types.service, types.statefulSet, types.deployment].map((t) =>
            admin.list<KubeObject>(t, { namespace }),
          ),
        )
      )
        .flatMap((list, kind) => list.items.map((o) => `${kind}/${o.metadata!.name!}`))
        .sort()
        .join(',');
    for (const sample of clusters) {
      const deadline = Date.now() + 30_000;
      while (
        Date.now() < deadline &&
        (await objectNames(sample.goNamespace!)) !== (await objectNames(sample.dsoiNamespace!))
      ) {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    for (const sample of clusters) {
      differences.push(
        ...diffChildren(
          sample.file,
          await childrenOf(admin, sample.goNamespace!),
          await childrenOf(admin, sample.dsoiNamespace!),
        ),
      );
    }
    const declared = readDeclaredDifferences(migrationFile);
    const show = (d: ChildDifference) =>
      `${d.kind} ${d.path}: Go ${JSON.stringify(d.go)} / dsoi ${JSON.stringify(d.dsoi)} (${d.name}, ${d.sample})`;
    if (process.env.ORACLE_PRINT) console.log(differences.map(show).join('\n'));
    const undeclared = differences.filter((d) => !declared.some((row) => covers(row, d)));
    const stale = declared.filter((row) => !differences.some((d) => covers(row, d)));
    // One assertion, so a failure lists both: differences to declare, and rows that no longer occur (remove them).
    expect({ undeclared: undeclared.map(show), stale: stale.map((row) => row.field) }).toEqual({
      undeclared: [],
      stale: [],
    });
    // The Go operator watches the whole control plane, and its REST controllers reconcile PinotSchemas and
    // PinotTables whatever DENY_LIST says, so the CRs the earlier test files left (hostile documents, conflicts) make
    // it log errors that concern other namespaces. Every other error, or a panic, fails the comparison.
    const goNamespaces = samples.flatMap((s) => (s.goNamespace ? [s.goNamespace] : []));
    const aboutOthers = (line: string) => {
      const named = [...line.matchAll(/"namespace": ?"([a-z0-9-]+)"|\.([a-z0-9-]+)\.svc\b/g)].map((m) => m[1] ?? m[2]!);
      return named.length > 0 && named.every((namespace) => !goNamespaces.includes(namespace));
    };
    const goErrors = go!
      .log()
      .split('\n')
      .filter((line) => /panic|\tERROR\t/.test(line) && !aboutOthers(line));
    expect(goErrors).toEqual([]);
  }, 240_000);
});
