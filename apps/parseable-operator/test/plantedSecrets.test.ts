/**
 * Planted secrets (issue 18): a tenant whose pods read a password and an S3 key from the user's Secrets, and which
 * also carries a password and an S3 key inline (as Go-era tenants do), runs to Ready; then every child a namespace
 * reader sees (ConfigMaps, Services, workloads), the tenant's status, every Event and every line the operator logged
 * is searched for each planted value, as is and encoded. Only Secrets may hold them.
 */
import type { KubeObject } from '@dsoi/client';
import { createMemoryLogger, findPlantedSecrets, plantedSecretForms } from '@dsoi/reconcile/testing';
import { describe, expect, it } from 'vitest';
import { conditionOf, eventually, example, markReady, parseableFixture, types, waitFor } from './harness.ts';

const { admin, namespace, startOperator } = parseableFixture();

const referenced = `referenced-${Date.now().toString(36)}-a9Qe`;
const inline = `inline-${Date.now().toString(36)}-Zk3w`;

describe('planted secrets', () => {
  it('never shows a referenced or inline credential outside Secrets: children, status, Events, logs', async () => {
    const ns = await namespace('pt-plant');
    for (const [name, data] of [
      ['parseable-admin', { username: 'ops', password: referenced }],
      ['parseable-s3', { 'access-key': 'AKIAEXAMPLE', 'secret-key': referenced }],
    ] as const) {
      await admin.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData: data });
    }
    const log = createMemoryLogger();
    await startOperator({ watchNamespaces: [ns], logger: log.logger });
    const tenant = example('parseable-distributed-s3.yaml', ns);
    for (const config of tenant.spec.parseableConfig) config.env.P_PASSWORD = inline;
    tenant.spec.external.objectStore.spec.data += `P_S3_SECRET_KEY=${inline}\n`;
    await admin.apply(tenant);
    await waitFor(admin, types.statefulSet, ns, 'ingestor-ingestor');
    await markReady(types.statefulSet, ns, 'ingestor-ingestor');
    await waitFor(admin, types.deployment, ns, 'querier-querier');
    await markReady(types.deployment, ns, 'querier-querier');
    await eventually(async () => (await conditionOf(admin, ns, 'parseable', 'Ready'))?.status === 'True', 'Ready');

    const list = async (type: { apiVersion: string; kind: string }) =>
      (await admin.list<KubeObject>(type, { namespace: ns })).items;
    // The plants are where they belong, so an empty scan means something: the inline ones in the owned Secrets.
    const owned = (await list(types.secret)).filter((s) => (s.metadata?.ownerReferences ?? []).length > 0);
    expect(findPlantedSecrets([{ where: 'owned Secrets', value: owned }], plantedSecretForms(inline))).not.toEqual([]);
    expect(log.count()).toBeGreaterThan(0);

    const places = [
      ...(await Promise.all(
        [types.configMap, types.service, types.statefulSet, types.deployment].map(async (type) => ({
          where: `${type.kind}s`,
          value: await list(type),
        })),
      )),
      { where: 'tenant status', value: (await list(types.tenant)).map((t) => (t as { status?: unknown }).status) },
      { where: 'tenant metadata', value: (await list(types.tenant)).map((t) => t.metadata) },
      { where: 'Events', value: await list(types.event) },
      { where: 'operator logs', value: log.text() },
    ];
    expect(findPlantedSecrets(places, plantedSecretForms(referenced))).toEqual([]);
    expect(findPlantedSecrets(places, plantedSecretForms(inline))).toEqual([]);
  });
});
