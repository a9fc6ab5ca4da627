/** Deletion and data safety, drift repair, and bad input (spec sections 5 and 6, "How to use this spec"). */
import { describe, expect, it } from 'vitest';
import {
  conditionOf,
  eventsOf,
  eventually,
  example,
  parseableFixture,
  read,
  sleep,
  types,
  waitFor,
} from './harness.ts';

const { admin, namespace, startOperator, operatorNamespace } = parseableFixture();

const claims = ['parseable-parseable-server-stage-volume', 'parseable-parseable-server-data-volume'];
const owners = (object: any) => (object.metadata.ownerReferences ?? []).map((r: { kind: string }) => r.kind);
/** Gone, or deleted and held only by the pvc-protection finalizer (no pvc-protection controller in the test plane). */
const deleted = (object: any) => object === undefined || object.metadata.deletionTimestamp !== undefined;

describe('ParseableTenant lifecycle', () => {
  it('repairs hand edits and re-creates deleted children (drift)', async () => {
    const ns = await operatorNamespace('pt-drift');
    await admin.apply(example('parseable-ephemeral.yaml', ns));
    const name = 'parseable-server-parseable-server';
    await waitFor(admin, types.deployment, ns, name);
    const cm = await waitFor(admin, types.configMap, ns, 'parseable-server-parseable-server-config');

    await admin.patch({ ...types.deployment, namespace: ns, name }, { type: 'merge', body: { spec: { replicas: 5 } } });
    await admin.patch({ ...cm, namespace: ns }, { type: 'merge', body: { data: { P_FS_DIR: 'hacked' } } });
    await admin.delete({ ...types.service, namespace: ns, name });
    await eventually(
      async () => (await read(admin, types.deployment, ns, name)).spec.replicas === 1,
      'replicas repaired',
    );
    await eventually(
      async () => (await read(admin, types.configMap, ns, cm.metadata.name)).data.P_FS_DIR === './data',
      'ConfigMap repaired',
    );
    await waitFor(admin, types.service, ns, name);
    const updated = (await eventsOf(admin, ns, 'parseable')).filter((e) => e.reason === 'Updated');
    expect(updated.some((e) => e.note?.includes('repaired drift'))).toBe(true);
  });

  it('reports bad input as a Warning event and a condition naming the field; other tenants keep reconciling', async () => {
    const ns = await operatorNamespace('pt-bad');
    const bad = example('parseable-distributed-s3.yaml', ns, 'broken');
    bad.spec.nodes[0].k8sConfig = 'missing';
    bad.spec.nodes[1].type = 'unlisted';
    bad.spec.external.objectStore.spec.data = 'P_S3_URL=https://s3\nnot a setting\n';
    await admin.apply(bad);
    await admin.apply(example('parseable-ephemeral.yaml', ns, 'healthy'));

    const condition = await eventually(async () => {
      const ready = await conditionOf(admin, ns, 'broken', 'Ready');
      return ready?.reason === 'InvalidSpec' && ready;
    }, 'InvalidSpec condition');
    expect(condition.status).toBe('False');
    for (const field of ['spec.nodes[0].k8sConfig', 'spec.nodes[1].type']) expect(condition.message).toContain(field);
    const warning = await eventually(
      async () => (await eventsOf(admin, ns, 'broken')).find((e) => e.type === 'Warning' && e.reason === 'InvalidSpec'),
      'Warning event',
    );
    expect(warning.note).toContain('spec.nodes[0].k8sConfig');
    expect((await read(admin, types.tenant, ns, 'broken')).status.observedGeneration).toBe(1);
    // The other tenant is reconciled, and nothing of the broken one was written.
    await waitFor(admin, types.deployment, ns, 'parseable-server-parseable-server');
    expect(await read(admin, types.configMap, ns, 'broken-ext')).toBeUndefined();

    // Fixing the references leaves the object-store problem, named by its field; fixing that converges.
    bad.spec.nodes[0].k8sConfig = 'ingestor';
    bad.spec.nodes[1].type = 'query';
    await admin.apply(bad);
    await eventually(
      async () =>
        (await conditionOf(admin, ns, 'broken', 'Ready'))?.message.includes(
          'spec.external.objectStore.spec.data: line 2',
        ),
      'data problem',
    );
    bad.spec.external.objectStore.spec.data = 'P_S3_URL=https://s3\n';
    await admin.apply(bad);
    await waitFor(admin, types.configMap, ns, 'broken-ext');
    await waitFor(admin, types.deployment, ns, 'querier-querier');
  });
  it('never takes over a child or a data claim of another tenant (same derived names in one namespace)', async () => {
    const ns = await operatorNamespace('pt-clash');
    const first = await admin.apply(example('parseable-persistent.yaml', ns, 'first'));
    await waitFor(admin, types.statefulSet, ns, 'parseable-server-parseable');
    await admin.apply(example('parseable-persistent.yaml', ns, 'second'));
    const degraded = await eventually(async () => {
      const condition = await conditionOf(admin, ns, 'second', 'Degraded');
      return condition?.reason === 'ApplyFailed' && condition;
    }, 'second tenant Degraded');
    expect(degraded.message).toContain(
      'PersistentVolumeClaim parseable-parseable-server-data-volume: it is retained for ParseableTenant first',
    );
    expect(degraded.message).toMatch(
      /ConfigMap parseable-parseable-server-config: controlled by ParseableTenant first/,
    );
    await sleep(1_500); // a re-check of each tenant
    for (const [type, name] of [
      [types.statefulSet, 'parseable-server-parseable'],
      [types.service, 'parseable-parseable-server'],
      [types.configMap, 'parseable-parseable-server-config'],
    ] as const) {
      const live = await read(admin, type, ns, name);
      expect(
        live.metadata.ownerReferences.map((r: { uid: string }) => r.uid),
        `${type.kind} ${name}`,
      ).toEqual([first.metadata.uid]);
      expect(live.metadata.labels.custom_resource).toBe('first');
    }
    for (const name of claims)
      expect((await read(admin, types.claim, ns, name)).metadata.labels.custom_resource).toBe('first');
  });

  // Last: the garbage collector of the test control plane learns the new CRD on its 30 s discovery resync.
  it('deleting a tenant removes its children but keeps the data claims unless whenDeleted is Delete (34)', async () => {
    const keepNs = await namespace('pt-keep');
    const dropNs = await namespace('pt-drop');
    await startOperator({ watchNamespaces: [keepNs, dropNs] });
    await admin.apply(example('parseable-persistent.yaml', keepNs));
    const drop = example('parseable-persistent.yaml', dropNs);
    drop.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete' };
    await admin.apply(drop);
    for (const name of claims) {
      const claim = await eventually(async () => {
        const live = await read(admin, types.claim, dropNs, name);
        return owners(live ?? { metadata: {} }).includes('ParseableTenant') && live;
      }, `${name} owned`);
      expect(claim.metadata.ownerReferences[0]).toMatchObject({ controller: true, blockOwnerDeletion: true });
    }
    // Switching to Retain releases the claims (and back).
    drop.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Retain' };
    await admin.apply(drop);
    await eventually(
      async () => owners(await read(admin, types.claim, dropNs, claims[0]!)).length === 0,
      'claim released',
    );
    await eventually(
      async () => (await eventsOf(admin, dropNs, 'parseable')).some((e) => e.reason === 'Retained'),
      'Retained event',
    );
    drop.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete' };
    await admin.apply(drop);
    await eventually(
      async () => owners(await read(admin, types.claim, dropNs, claims[0]!)).length === 1,
      'claim owned again',
    );
    await waitFor(admin, types.statefulSet, keepNs, 'parseable-server-parseable');

    for (const ns of [keepNs, dropNs]) await admin.delete({ ...types.tenant, namespace: ns, name: 'parseable' });
    for (const ns of [keepNs, dropNs]) {
      await eventually(
        async () => {
          const children = await Promise.all([
            read(admin, types.statefulSet, ns, 'parseable-server-parseable'),
            read(admin, types.service, ns, 'parseable-parseable-server'),
            read(admin, types.configMap, ns, 'parseable-parseable-server-config'),
          ]);
          return children.every(deleted);
        },
        `children of ${ns} garbage-collected`,
        90_000,
      );
    }
    await eventually(
      async () => (await Promise.all(claims.map((c) => read(admin, types.claim, dropNs, c)))).every(deleted),
      'claims deleted (Delete)',
    );
    for (const name of claims) {
      const kept = await read(admin, types.claim, keepNs, name);
      expect(kept).toBeDefined();
      expect(kept.metadata.deletionTimestamp).toBeUndefined();
    }
  });
});
