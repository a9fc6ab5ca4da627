import { createFaultProxy } from '@dsoi/envtest/testing';
import type { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { FakePinot } from './fakePinot.ts';
import { minimalPinot, pinotSchemaCr, pinotTableCr, pinotTenantCr, schemaJson, tableJson } from './fixtures.ts';
import { eventsOf, exists, kubeConfig, pinotFixture, poll, read, ready, types } from './harness.ts';

const { admin, namespace, startWithFakePinot, defer } = pinotFixture();

/** A namespace with a Pinot cluster CR, a fake Pinot and the operator pointed at it. */
async function setup(
  prefix: string,
  options: {
    credentials?: { username: string; password: string };
    reconcileWaitMs?: number;
    /** The operator's kubeconfig (e.g. a fault proxy's). @default the test control plane's */
    kubeConfig?: KubeConfig;
  } = {},
) {
  const ns = await namespace(prefix);
  const { pinot } = await startWithFakePinot({
    credentials: options.credentials,
    watchNamespaces: [ns],
    ...(options.reconcileWaitMs !== undefined && { reconcileWaitMs: options.reconcileWaitMs }),
    ...(options.kubeConfig && { kubeConfig: options.kubeConfig }),
  });
  const cluster = minimalPinot(ns);
  if (options.credentials) {
    await admin.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'pinot-control-plane-secret', namespace: ns },
      stringData: {
        CONTROL_PLANE_USERNAME: options.credentials.username,
        CONTROL_PLANE_PASSWORD: options.credentials.password,
      },
    });
    cluster.spec.auth = { type: 'basic-auth', secretRef: { name: 'pinot-control-plane-secret', namespace: ns } };
  }
  await admin.create(cluster);
  return { ns, pinot };
}

/** baseballStats with one more metric: a schema change that makes its tables reload their segments. */
const evolved = schemaJson.replace('"metricFieldSpecs":[', '"metricFieldSpecs":[{"name":"hits","dataType":"INT"},');

/** Sets the document of the PinotSchema `baseballstats`. */
function setSchema(ns: string, json: string) {
  return admin.patch(
    { ...types.schema, namespace: ns, name: 'baseballstats' },
    { type: 'merge', body: { spec: { 'schema.json': json } } },
  );
}

/** How many segment reloads of the OFFLINE table Pinot got. */
const offlineReloads = (pinot: FakePinot) =>
  pinot.calls().filter((c) => c === 'POST /segments/baseballStats/reload?type=OFFLINE').length;

describe('PinotSchema', () => {
  it('creates the schema in Pinot, adds the finalizer and records an honest status (scenario 18)', async () => {
    const { ns, pinot } = await setup('schema');
    await admin.create(pinotSchemaCr(ns));
    await poll(async () => (await read(admin, types.schema, ns, 'baseballstats')).status?.type).toBe(
      'PinotSchemaControllerCreateSuccess',
    );
    expect(pinot.calls().slice(0, 2)).toEqual(['GET /schemas/baseballStats', 'POST /schemas']);
    const post = pinot.requests.find((r) => r.method === 'POST')!;
    expect(JSON.parse(post.body)).toEqual(JSON.parse(schemaJson));
    expect(post.headers['content-type']).toBe('application/json');
    const cr = await read(admin, types.schema, ns, 'baseballstats');
    expect(cr.metadata.finalizers).toEqual(['pinotschema.datainfra.io/finalizer']);
    expect(cr.status).toMatchObject({ status: 'True', 'currentSchemas.json': schemaJson, observedGeneration: 1 });
    expect(cr.status.lastUpdateTime).toBeDefined();
    expect(ready(cr).status).toBe('True');

    // Update: semantic comparison with what Pinot accepted; whitespace or key order alone changes nothing.
    const reordered = JSON.stringify(
      { metricFieldSpecs: JSON.parse(schemaJson).metricFieldSpecs, ...JSON.parse(schemaJson) },
      null,
      2,
    );
    await setSchema(ns, reordered);
    await poll(async () => (await read(admin, types.schema, ns, 'baseballstats')).status?.observedGeneration).toBe(2);
    expect(pinot.calls().filter((c) => c.startsWith('PUT'))).toEqual([]);
    await setSchema(ns, evolved);
    await poll(async () => (await read(admin, types.schema, ns, 'baseballstats')).status?.type).toBe(
      'PinotSchemaControllerUpdateSuccess',
    );
    expect(pinot.schemas.get('baseballStats')).toBe(evolved);
  });

  it('pushes the spec to a schema that already exists in Pinot with an empty status and the adopt annotation, without a parse error (bug 23)', async () => {
    const { ns, pinot } = await setup('adopt');
    pinot.schemas.set('baseballStats', '{"schemaName":"baseballStats","dimensionFieldSpecs":[]}');
    const cr = pinotSchemaCr(ns);
    await admin.create({ ...cr, metadata: { ...cr.metadata, annotations: { 'dsoi.io/adopt': 'true' } } });
    await poll(async () => (await read(admin, types.schema, ns, 'baseballstats')).status?.type).toBe(
      'PinotSchemaControllerUpdateSuccess',
    );
    expect(pinot.calls()).toContain('PUT /schemas/baseballStats');
    expect(pinot.schemas.get('baseballStats')).toBe(schemaJson);
  });

  it('reports a failure honestly and retries until Pinot accepts (bug 22)', async () => {
    const { ns, pinot } = await setup('fail');
    pinot.fail('POST', /^\/schemas$/, 500, { body: '{"code":500,"error":"ZooKeeper unavailable"}' });
    await admin.create(pinotSchemaCr(ns));
    await poll(async () => (await read(admin, types.schema, ns, 'baseballstats')).status?.type).toBe(
      'PinotSchemaControllerCreateFail',
    );
    const failed = await read(admin, types.schema, ns, 'baseballstats');
    expect(failed.status.status).toBe('False');
    expect(failed.status.reason).toContain('ZooKeeper unavailable');
    expect(failed.status['currentSchemas.json']).toBeUndefined();
    expect(ready(failed)).toMatchObject({ status: 'False', reason: 'PinotSchemaControllerCreateFail' });
    await poll(async () =>
      (await eventsOf(admin, ns, 'baseballstats')).some(
        (e) => e.type === 'Warning' && e.reason === 'PinotSchemaControllerCreateFail',
      ),
    ).toBe(true);
    await poll(() => pinot.calls().filter((c) => c === 'POST /schemas').length).toBeGreaterThanOrEqual(3);
    pinot.clearFailures();
    await poll(async () => (await read(admin, types.schema, ns, 'baseballstats')).status?.type, 30_000).toBe(
      'PinotSchemaControllerCreateSuccess',
    );
  });

  it('keeps the finalizer until Pinot confirms the delete (bug 21)', async () => {
    const { ns, pinot } = await setup('delete');
    await admin.create(pinotSchemaCr(ns));
    await poll(() => pinot.schemas.has('baseballStats')).toBe(true);
    pinot.fail('DELETE', /^\/schemas\/baseballStats$/, 409, {
      body: '{"code":409,"error":"Cannot delete schema baseballStats, as it is associated with table baseballStats_OFFLINE"}',
    });
    await admin.delete({ ...types.schema, namespace: ns, name: 'baseballstats' });
    await poll(async () => (await read(admin, types.schema, ns, 'baseballstats')).status?.type).toBe(
      'PinotSchemaControllerDeleteFail',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await exists(admin, types.schema, ns, 'baseballstats')).toBe(true);
    expect(pinot.calls().filter((c) => c.startsWith('POST') || c.startsWith('PUT'))).toEqual(['POST /schemas']);
    pinot.clearFailures();
    await poll(() => exists(admin, types.schema, ns, 'baseballstats'), 30_000).toBe(false);
    expect(pinot.schemas.has('baseballStats')).toBe(false);
  });

  it('lets go of the finalizer when the Pinot cluster CR is gone (bug 21: no longer stuck in Terminating)', async () => {
    const { ns, pinot } = await setup('orphan');
    await admin.create(pinotSchemaCr(ns));
    await poll(() => pinot.schemas.has('baseballStats')).toBe(true);
    pinot.fail('DELETE', /.*/, 503);
    await admin.delete({ ...types.pinot, namespace: ns, name: 'pinot-simple' });
    await poll(() => exists(admin, types.pinot, ns, 'pinot-simple')).toBe(false);
    await admin.delete({ ...types.schema, namespace: ns, name: 'baseballstats' });
    await poll(() => exists(admin, types.schema, ns, 'baseballstats')).toBe(false);
    expect(pinot.calls()).not.toContain('DELETE /schemas/baseballStats');
  });

  it('reports an invalid JSON document as a Warning event and a condition, without calling Pinot', async () => {
    const { ns, pinot } = await setup('badjson');
    await admin.create(pinotSchemaCr(ns, '{"dimensionFieldSpecs": ['));
    await poll(async () => ready(await read(admin, types.schema, ns, 'baseballstats'))?.reason).toBe('InvalidSpec');
    expect(ready(await read(admin, types.schema, ns, 'baseballstats')).message).toContain('spec["schema.json"]');
    await poll(async () => (await eventsOf(admin, ns, 'baseballstats')).some((e) => e.reason === 'InvalidSpec')).toBe(
      true,
    );
    expect(pinot.calls().filter((c) => c.includes('schemas'))).toEqual([]);
  });
});

describe('PinotTable', () => {
  it('creates the table, reloads its segments when the schema changes, and deletes with ?type= (bugs 25, 27)', async () => {
    const { ns, pinot } = await setup('table');
    await admin.create(pinotSchemaCr(ns));
    await admin.create(pinotTableCr(ns));
    await poll(async () => (await read(admin, types.table, ns, 'baseballstats')).status?.type).toBe(
      'PinotTableControllerCreateSuccess',
    );
    expect(pinot.calls()).toContain('POST /tables');
    expect(JSON.parse(pinot.tables.get('baseballStats_OFFLINE')!)).toEqual(JSON.parse(tableJson));
    await poll(async () => (await read(admin, types.table, ns, 'baseballstats')).status?.reloadedSchema).toBe(
      schemaJson,
    );
    expect(pinot.calls().some((c) => c.includes('/reload'))).toBe(false);

    await setSchema(ns, evolved);
    await poll(() => offlineReloads(pinot)).toBe(1);
    await poll(async () => (await read(admin, types.table, ns, 'baseballstats')).status?.reloadStatus?.length).toBe(1);
    await poll(async () =>
      (await eventsOf(admin, ns, 'baseballstats')).some((e) => e.reason === 'PinotTableReloadAllSegments'),
    ).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(pinot.calls().filter((c) => c.includes('/reload'))).toHaveLength(1);

    await admin.delete({ ...types.table, namespace: ns, name: 'baseballstats' });
    await poll(() => exists(admin, types.table, ns, 'baseballstats')).toBe(false);
    expect(pinot.calls()).toContain('DELETE /tables/baseballStats?type=OFFLINE');
  });

  it('sends POST /reload once per schema change when its answer is lost (timeout), and says the outcome is unknown', async () => {
    const { ns, pinot } = await setup('reloadlost');
    await admin.create(pinotSchemaCr(ns));
    await admin.create(pinotTableCr(ns));
    await poll(async () => (await read(admin, types.table, ns, 'baseballstats')).status?.reloadedSchema).toBe(
      schemaJson,
    );
    pinot.hang('POST', /\/reload/);
    const reloads = () => pinot.calls().filter((c) => c.includes('/reload'));
    await setSchema(ns, evolved);
    // The fault hit: Pinot received the reload and never answered, so the client timed out.
    await poll(() => reloads().length).toBe(1);
    await poll(async () =>
      (await eventsOf(admin, ns, 'baseballstats')).some((e) => e.reason === 'PinotTableReloadAllSegmentsUnknown'),
    ).toBe(true);
    // A later reconcile of the table (it reads the table from Pinot again) must not send the reload a second time.
    const tableReads = () => pinot.calls().filter((c) => c.startsWith('GET /tables/baseballStats')).length;
    const readsBefore = tableReads();
    await admin.patch(
      { ...types.table, namespace: ns, name: 'baseballstats' },
      { type: 'merge', body: { metadata: { annotations: { 'test.dsoi.io/wake': 'yes' } } } },
    );
    await poll(tableReads, 30_000).toBeGreaterThan(readsBefore);
    expect(reloads()).toHaveLength(1);
    expect((await read(admin, types.table, ns, 'baseballstats')).status?.reloadedSchema).toBe(evolved);
  });
});

describe('PinotTable fidelity', () => {
  it('creates both halves of a hybrid table: the GET carries ?type=, so the REALTIME half is not taken for existing', async () => {
    const { ns, pinot } = await setup('hybrid');
    await admin.create(pinotSchemaCr(ns));
    await admin.create(pinotTableCr(ns));
    await poll(() => pinot.tables.has('baseballStats_OFFLINE')).toBe(true);
    // The state the test is named after: Pinot holds the OFFLINE half under the name the REALTIME half will use.
    expect(pinot.tables.has('baseballStats_REALTIME')).toBe(false);
    const realtimeJson = JSON.stringify({ ...JSON.parse(tableJson), tableType: 'REALTIME' });
    const realtime = pinotTableCr(ns, realtimeJson, false);
    await admin.create({
      ...realtime,
      metadata: { ...realtime.metadata, name: 'baseballstats-realtime' },
      spec: { ...realtime.spec, pinotTableType: 'REALTIME' },
    });
    await poll(async () => (await read(admin, types.table, ns, 'baseballstats-realtime')).status?.type).toBe(
      'PinotTableControllerCreateSuccess',
    );
    expect(JSON.parse(pinot.tables.get('baseballStats_REALTIME')!)).toEqual(JSON.parse(realtimeJson));
    expect(JSON.parse(pinot.tables.get('baseballStats_OFFLINE')!)).toEqual(JSON.parse(tableJson));
    expect(pinot.calls()).toContain('GET /tables/baseballStats?type=REALTIME');
    expect(pinot.calls().filter((c) => c.startsWith('PUT /tables'))).toEqual([]);
    expect(pinot.calls().filter((c) => c.startsWith('GET /tables/') && !c.includes('?type='))).toEqual([]);
  });

  it('reloads the segments of a table naming its schema only by tableName on the schema event, not a RECONCILE_WAIT later', async () => {
    // RECONCILE_WAIT of 10 minutes: only the schema's watch event can bring the reload within the poll.
    const { ns, pinot } = await setup('reloadname', { reconcileWaitMs: 600_000 });
    const table = JSON.parse(tableJson) as { segmentsConfig: Record<string, unknown> };
    delete table.segmentsConfig.schemaName;
    await admin.create(pinotSchemaCr(ns));
    await admin.create(pinotTableCr(ns, JSON.stringify(table)));
    await poll(async () => (await read(admin, types.table, ns, 'baseballstats')).status?.reloadedSchema).toBe(
      schemaJson,
    );
    // The state the test is named after: the table config has no segmentsConfig.schemaName, its tableName is the
    // schema's name, and no reload happened yet.
    const stored = JSON.parse(pinot.tables.get('baseballStats_OFFLINE')!);
    expect(stored.segmentsConfig.schemaName).toBeUndefined();
    expect(stored.tableName).toBe(JSON.parse(schemaJson).schemaName);
    expect(pinot.calls().some((c) => c.includes('/reload'))).toBe(false);
    await setSchema(ns, evolved);
    await poll(() => offlineReloads(pinot)).toBe(1);
  });
});

describe('PinotTenant with basic auth', () => {
  it('authenticates every request from the Secret, creates, updates and deletes the tenant, and never leaks the password (scenario 21)', async () => {
    const credentials = { username: 'u', password: 's3cr3t-pa55' };
    const { ns, pinot } = await setup('tenant', { credentials });
    await admin.create(pinotTenantCr(ns));
    await poll(async () => (await read(admin, types.tenant, ns, 'samplebrokertenant')).status?.type).toBe(
      'PinotTenantControllerCreateSuccess',
    );
    expect(pinot.calls().slice(0, 2)).toEqual(['GET /tenants/sampleBrokerTenant', 'POST /tenants']);
    const grown = '{"tenantRole":"BROKER","tenantName":"sampleBrokerTenant","numberOfInstances":2}';
    await admin.patch(
      { ...types.tenant, namespace: ns, name: 'samplebrokertenant' },
      { type: 'merge', body: { spec: { 'tenants.json': grown } } },
    );
    await poll(async () => (await read(admin, types.tenant, ns, 'samplebrokertenant')).status?.type).toBe(
      'PinotTenantControllerUpdateSuccess',
    );
    expect(pinot.calls()).toContain('PUT /tenants');
    expect(pinot.tenants.get('sampleBrokerTenant')).toBe(grown);
    await admin.delete({ ...types.tenant, namespace: ns, name: 'samplebrokertenant' });
    await poll(() => exists(admin, types.tenant, ns, 'samplebrokertenant')).toBe(false);
    expect(pinot.calls()).toContain('DELETE /tenants/sampleBrokerTenant?type=BROKER');
    const basic = `Basic ${Buffer.from('u:s3cr3t-pa55').toString('base64')}`;
    expect(pinot.requests.every((r) => r.headers.authorization === basic)).toBe(true);
    const events = await admin.list(types.event, { namespace: ns });
    expect(JSON.stringify(events.items)).not.toContain('s3cr3t');
  });

  it('writes the status of an update again when its first status write failed (Pinot took the PUT)', async () => {
    const proxy = await createFaultProxy({ kubeConfig });
    defer(() => proxy.close());
    const { ns, pinot } = await setup('tenantlost', { kubeConfig: proxy.kubeConfig });
    await admin.create(pinotTenantCr(ns));
    await poll(async () => (await read(admin, types.tenant, ns, 'samplebrokertenant')).status?.type).toBe(
      'PinotTenantControllerCreateSuccess',
    );
    // The next status write of this tenant is refused (422 is not retried by the client), so the reconcile that
    // pushed the update to Pinot fails after the PUT.
    proxy.inject({
      match: { verbs: ['patch'], resource: 'pinottenants/status', namespace: ns, name: 'samplebrokertenant' },
      fault: { type: 'status', code: 422 },
      times: 1,
    });
    const grown = '{"tenantRole":"BROKER","tenantName":"sampleBrokerTenant","numberOfInstances":2}';
    await admin.patch(
      { ...types.tenant, namespace: ns, name: 'samplebrokertenant' },
      { type: 'merge', body: { spec: { 'tenants.json': grown } } },
    );
    // The fault hit the state it is named after: Pinot has the update and the status write after it was refused.
    await poll(() => pinot.tenants.get('sampleBrokerTenant')).toBe(grown);
    await poll(() => proxy.log.filter((r) => r.fault === 'status' && r.path.endsWith('/status')).length).toBe(1);
    // The outcome: the update's status is written after all, and Pinot got the update only once.
    const tenant = () => read(admin, types.tenant, ns, 'samplebrokertenant');
    await poll(async () => (await tenant()).status?.type).toBe('PinotTenantControllerUpdateSuccess');
    expect((await tenant()).status?.['currentTenants.json']).toBe(grown);
    expect(pinot.calls().filter((c) => c === 'PUT /tenants')).toHaveLength(1);
  });

  it('reports a missing auth Secret in the status and retries', async () => {
    const { ns, pinot } = await setup('nosecret');
    await admin.patch(
      { ...types.pinot, namespace: ns, name: 'pinot-simple' },
      { type: 'merge', body: { spec: { auth: { type: 'basic-auth', secretRef: { name: 'missing' } } } } },
    );
    await admin.create(pinotTenantCr(ns));
    await poll(async () => ready(await read(admin, types.tenant, ns, 'samplebrokertenant'))?.reason).toBe(
      'AuthSecretNotFound',
    );
    expect(pinot.requests).toEqual([]);
  });
});
