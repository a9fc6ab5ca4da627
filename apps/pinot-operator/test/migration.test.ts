/**
 * Live migration: the Go operator runs a cluster (StatefulSets with `storageConfig`, Deployment nodes), is stopped,
 * and ours takes over the same objects. Nothing is deleted or recreated, PVCs are untouched, the API server never
 * answers Forbidden or Invalid, each workload rolls exactly once, and the cluster reaches Ready.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, KubeObject, RequestInfo } from '@dsoi/client';
import { createTestNamespace } from '@dsoi/envtest/testing';
import type { Logger } from '@dsoi/reconcile';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allNamespacesBut, goPinotOperator, type RunningGoOperator, startGoPinotOperator } from './goOperator.ts';
import {
  eventsOf,
  installPinotCrds,
  kubeConfig,
  markReady,
  type RunningOperator,
  runOperator,
  types,
} from './harness.ts';

const peer = await goPinotOperator();
const pvcType = { apiVersion: 'v1', kind: 'PersistentVolumeClaim' } as const;
const poll = <T>(fn: () => Promise<T> | T, timeout = 60_000) => expect.poll(fn, { timeout, interval: 250 });

/** A logger that keeps every line, to search the operator's log. */
function recordingLogger(lines: string[], bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (obj: object, msg?: string) => {
    lines.push(JSON.stringify({ level, ...bindings, ...obj, msg }, (_k, v) => (v instanceof Error ? v.message : v)));
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

type Live = KubeObject & { spec?: any; data?: Record<string, string>; metadata: any };

async function snapshot(admin: Client, namespace: string) {
  const kinds = [types.configMap, types.service, types.statefulSet, types.deployment, pvcType];
  const lists = await Promise.all(kinds.map((type) => admin.list<Live>(type, { namespace })));
  const byKey = new Map<string, Live>();
  lists.forEach((list, i) => {
    for (const item of list.items) {
      if (item.metadata.name !== 'kube-root-ca.crt') byKey.set(`${kinds[i]!.kind}/${item.metadata.name}`, item);
    }
  });
  return byKey;
}

describe.skipIf(!peer.available)('live migration from the Go operator', () => {
  let go: RunningGoOperator | undefined;
  let ours: RunningOperator | undefined;
  afterAll(async () => {
    await go?.stop();
    await ours?.stop();
  });

  it('takes over a running Go-made cluster: same objects, PVCs untouched, no refused write, one rollout per workload, Ready', async () => {
    if (!peer.available) return;
    const admin = await installPinotCrds();
    const ns = await createTestNamespace(kubeConfig, 'migrate');
    const sample = parse(
      readFileSync(join(peer.sourceDir, 'tutorials/01-pinot-hetero/pinot-stateless-minion.yaml'), 'utf8'),
    ) as Live;
    const name = sample.metadata.name as string;
    const workloads = {
      StatefulSet: ['pinot-controller-controller', 'pinot-server-server'],
      Deployment: ['pinot-broker-broker', 'pinot-minion-minion'],
    } as const;

    // 1. The Go operator makes the cluster; the StatefulSet controller and kubelets are simulated (PVCs, readiness).
    go = await startGoPinotOperator(peer.binary, { denyList: await allNamespacesBut(admin, [ns]) });
    await admin.create({ ...sample, metadata: { ...sample.metadata, namespace: ns } });
    for (const [kind, names] of Object.entries(workloads)) {
      const type = kind === 'StatefulSet' ? types.statefulSet : types.deployment;
      for (const workload of names) {
        await poll(() =>
          admin.get({ ...type, namespace: ns, name: workload }).then(
            () => true,
            () => false,
          ),
        ).toBe(true);
      }
    }
    await go.stop();
    go = undefined;
    const goMade = await snapshot(admin, ns);
    // The state the test is named after: Go-made StatefulSets with storageConfig (claim template metadata
    // {name, namespace}), Go-made Deployments (selector custom_resource only), each with the Go config-hash env var.
    const controller = goMade.get('StatefulSet/pinot-controller-controller')!;
    expect(controller.spec.volumeClaimTemplates.map((t: any) => t.metadata)).toEqual([
      { name: 'pinot-controller-pvc', namespace: ns },
    ]);
    expect(goMade.get('Deployment/pinot-broker-broker')!.spec.selector).toEqual({
      matchLabels: { custom_resource: name },
    });
    expect(controller.spec.template.spec.containers[0].env.map((e: any) => e.name)).toContain(
      `${name}-controller-config`,
    );
    expect([...goMade.keys()].filter((k) => k.startsWith('ConfigMap/') || k.startsWith('Service/'))).toHaveLength(8);
    for (const sts of workloads.StatefulSet) {
      const template = goMade.get(`StatefulSet/${sts}`)!.spec.volumeClaimTemplates[0];
      await admin.create({
        ...pvcType,
        metadata: { name: `${template.metadata.name}-${sts}-0`, namespace: ns },
        spec: template.spec,
      });
    }
    for (const sts of workloads.StatefulSet) await markReady(types.statefulSet, ns, sts);
    for (const deployment of workloads.Deployment) await markReady(types.deployment, ns, deployment);
    const before = await snapshot(admin, ns);
    expect([...before.keys()].filter((k) => k.startsWith('PersistentVolumeClaim/'))).toHaveLength(2);

    // 2. Ours takes over, with every API answer and log line recorded.
    const answers: RequestInfo[] = [];
    const log: string[] = [];
    ours = await runOperator({
      watchNamespaces: [ns],
      reconcileWaitMs: 2_000,
      logger: recordingLogger(log),
      onRequest: (info) => answers.push(info),
    });
    // Ready=True also means a whole pass wrote nothing (the report converged): no write loop on adopted children.
    // The rollout: each workload our operator changes rolls; the simulated controllers make it ready again.
    const ready = async () => {
      for (const [kind, names] of Object.entries(workloads)) {
        const type = kind === 'StatefulSet' ? types.statefulSet : types.deployment;
        for (const workload of names) {
          const live = await admin.get<Live>({ ...type, namespace: ns, name: workload });
          if ((live as any).status?.observedGeneration !== live.metadata.generation)
            await markReady(type, ns, workload);
        }
      }
      const cr = await admin.get<Live>({ ...types.pinot, namespace: ns, name });
      // The whole status, so a failure shows why the cluster is not Ready.
      const conditions = ((cr as any).status?.conditions ?? []) as { type: string; status: string; message: string }[];
      return conditions.map((c) => `${c.type}=${c.status}: ${c.message}`).join('\n');
    };
    await poll(ready, 120_000).toMatch(/^Ready=True/m);
    const after = await snapshot(admin, ns);

    // Every child adopted: the same objects (uids), none deleted or added, each now applied by our operator.
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, object] of after) {
      expect(object.metadata.uid, key).toBe(before.get(key)!.metadata.uid);
      if (key.startsWith('PersistentVolumeClaim/')) {
        expect(object.metadata.resourceVersion, `${key} untouched`).toBe(before.get(key)!.metadata.resourceVersion);
        continue;
      }
      expect(object.metadata.annotations?.['dsoi.io/desired-hash'], `${key} adopted`).toBeDefined();
      expect(
        object.metadata.managedFields.map((m: any) => m.manager),
        key,
      ).toContain('pinot-operator');
    }
    // No write refused: no 403/422 from kube-apiserver, and nothing Forbidden or Invalid in the log.
    expect(
      answers.filter((a) => a.code === 403 || a.code === 422).map((a) => `${a.method} ${a.resource} ${a.code}`),
    ).toEqual([]);
    expect(log.filter((line) => /Forbidden|Invalid/.test(line))).toEqual([]);
    // Each workload's pod template changed exactly once (the Go config-hash env var became our checksum annotation):
    // one rolling update; ConfigMaps and Services, with nothing to change, kept their contents.
    for (const [kind, names] of Object.entries(workloads)) {
      for (const workload of names) {
        const was = before.get(`${kind}/${workload}`)!;
        const now = after.get(`${kind}/${workload}`)!;
        expect(now.metadata.generation - was.metadata.generation, `${kind} ${workload} rolled once`).toBe(1);
        expect(now.spec.template, workload).not.toEqual(was.spec.template);
        // Exactly our template: the Go operator's config-hash env var went in that same write (field ownership
        // taken over), so no second rollout follows.
        const env = now.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name);
        expect(env, workload).toEqual(['LOG4J_CONSOLE_LEVEL', 'JAVA_OPTS']);
      }
    }
    for (const [key, object] of after) {
      if (key.startsWith('ConfigMap/')) expect(object.data, key).toEqual(before.get(key)!.data);
      if (key.startsWith('Service/')) expect(object.spec, key).toEqual(before.get(key)!.spec);
    }
    // The immutable fields kept their Go values, and the user is told which and how to migrate.
    expect(after.get('StatefulSet/pinot-controller-controller')!.spec.volumeClaimTemplates).toEqual(
      controller.spec.volumeClaimTemplates,
    );
    expect(after.get('Deployment/pinot-broker-broker')!.spec.selector).toEqual({
      matchLabels: { custom_resource: name },
    });
    const cr = await admin.get<Live>({ ...types.pinot, namespace: ns, name });
    const differ = (cr as any).status.conditions.find((c: any) => c.type === 'ImmutableFieldsDiffer');
    expect(differ).toMatchObject({ status: 'True', reason: 'LiveValueKept' });
    expect(differ.message).toContain(
      `spec.volumeClaimTemplates (at spec.volumeClaimTemplates[0].metadata.labels) kept the live value; to migrate: delete the StatefulSet but keep its pods and volumes (\`kubectl delete statefulset pinot-controller-controller -n ${ns} --cascade=orphan\`)`,
    );
    expect(differ.message).toContain(`\`kubectl delete deployment pinot-broker-broker -n ${ns}\``);
    const warnings = (await eventsOf(admin, ns, name)).filter((e) => e.reason === 'ImmutableFieldKept');
    expect(warnings.map((e) => e.type)).toContain('Warning');
  }, 240_000);
});
