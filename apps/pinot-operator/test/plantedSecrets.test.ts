/**
 * Planted secrets (issue 18): a Pinot cluster whose REST auth and pods read a password from the user's Secret, and
 * which also carries a deep-storage key and an env password inline (as the Go tutorials do), runs to Ready with a
 * PinotSchema synced through the authenticated REST API; then every child a namespace reader sees (ConfigMaps,
 * Services, workloads), every CR's status, every Event and every line the operator logged is searched for each
 * planted value, as is, encoded, and as the basic-auth header carries it. Only Secrets may hold them.
 */
import type { KubeObject } from '@dsoi/client';
import { createMemoryLogger, findPlantedSecrets, plantedSecretForms } from '@dsoi/reconcile/testing';
import { describe, expect, it } from 'vitest';
import { minimalPinot, pinotSchemaCr } from './fixtures.ts';
import { markReady, pinotFixture, poll, read, types } from './harness.ts';

const { admin, namespace, startWithFakePinot } = pinotFixture();

const referenced = `referenced-${Date.now().toString(36)}-Hq7t`;
const inline = `inline-${Date.now().toString(36)}-Wm2p`;
const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('planted secrets', () => {
  it('never shows a referenced or inline credential outside Secrets: children, status, Events, logs', async () => {
    const ns = await namespace('pinot-plant');
    await admin.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'pinot-admin', namespace: ns },
      stringData: { CONTROL_PLANE_USERNAME: 'admin', CONTROL_PLANE_PASSWORD: referenced },
    });
    const log = createMemoryLogger();
    const { pinot } = await startWithFakePinot({
      credentials: { username: 'admin', password: referenced },
      watchNamespaces: [ns],
      logger: log.logger,
    });
    const cluster = minimalPinot(ns);
    cluster.spec.auth = { type: 'basic-auth', secretRef: { name: 'pinot-admin', namespace: ns } };
    cluster.spec.external.deepStorage = {
      spec: [{ nodeType: 'controller', data: `pinot.controller.storage.factory.s3.secretKey=${inline}` }],
    };
    cluster.spec.k8sConfig[0].env.push(
      {
        name: 'PINOT_ADMIN_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'pinot-admin', key: 'CONTROL_PLANE_PASSWORD' } },
      },
      { name: 'S3_SECRET_KEY', value: inline },
    );
    await admin.create(cluster);
    await admin.create(pinotSchemaCr(ns));
    await poll(() =>
      read(admin, types.statefulSet, ns, 'pinot-controller-controller').catch(() => undefined),
    ).toBeDefined();
    await markReady(types.statefulSet, ns, 'pinot-controller-controller');
    await poll(() => read(admin, types.deployment, ns, 'pinot-broker-broker').catch(() => undefined)).toBeDefined();
    await markReady(types.deployment, ns, 'pinot-broker-broker');
    const readyOf = async (type: { apiVersion: string; kind: string }, name: string) =>
      (await read(admin, type, ns, name)).status?.conditions?.find((c: { type: string }) => c.type === 'Ready')?.status;
    await poll(() => readyOf(types.pinot, 'pinot-simple'), 30_000).toBe('True');
    await poll(() => readyOf(types.schema, 'baseballstats'), 30_000).toBe('True');

    const list = async (type: { apiVersion: string; kind: string }) =>
      (await admin.list<KubeObject>(type, { namespace: ns })).items;
    // The plants went where they belong, so an empty scan means something: the referenced password to Pinot in the
    // basic-auth header, the inline ones into the owned Secrets.
    const header = `Basic ${base64(`admin:${referenced}`)}`;
    expect(pinot.requests.some((r) => r.headers.authorization === header)).toBe(true);
    const owned = (await list(types.secret)).filter((s) => (s.metadata?.ownerReferences ?? []).length > 0);
    expect(findPlantedSecrets([{ where: 'owned Secrets', value: owned }], plantedSecretForms(inline))).toHaveLength(2);
    expect(log.count()).toBeGreaterThan(0);

    const crs = [...(await list(types.pinot)), ...(await list(types.schema))];
    const places = [
      ...(await Promise.all(
        [types.configMap, types.service, types.statefulSet, types.deployment].map(async (type) => ({
          where: `${type.kind}s`,
          value: await list(type),
        })),
      )),
      { where: 'CR status', value: crs.map((cr) => (cr as { status?: unknown }).status) },
      { where: 'CR metadata', value: crs.map((cr) => cr.metadata) },
      { where: 'Events', value: await list(types.event) },
      { where: 'operator logs', value: log.text() },
    ];
    expect(findPlantedSecrets(places, [...plantedSecretForms(referenced), base64(`admin:${referenced}`)])).toEqual([]);
    expect(findPlantedSecrets(places, plantedSecretForms(inline))).toEqual([]);
  });
});
