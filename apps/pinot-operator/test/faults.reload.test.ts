/**
 * Faults on the REST kinds' write paths: the segment reload (`POST /segments/{table}/reload`, not idempotent) is
 * sent once per schema change across a lost status write and a failover, and writes committed on the API server
 * whose responses were lost leave no duplicate push and no lost status.
 */
import type { Client } from '@dsoi/client';
import { createFaultProxy, createTestNamespace, type FaultProxy, type ProxyRequestRecord } from '@dsoi/envtest/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakePinot, startFakePinot } from './fakePinot.ts';
import { minimalPinot, pinotSchemaCr, pinotTableCr, pinotTenantCr, schemaJson } from './fixtures.ts';
import {
  eventsOf,
  installPinotCrds,
  kubeConfig,
  type RunningOperator,
  read,
  ready,
  runOperator,
  types,
} from './harness.ts';

let admin: Client;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  admin = await installPinotCrds();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const poll = <T>(fn: () => Promise<T> | T, timeout = 30_000) => expect.poll(fn, { timeout, interval: 200 });
const evolved = schemaJson.replace('"metricFieldSpecs":[', '"metricFieldSpecs":[{"name":"hits","dataType":"INT"},');

/** A namespace with a Pinot cluster CR and a fake Pinot; everything started here stops after the test. */
async function setup(prefix: string) {
  const ns = await createTestNamespace(kubeConfig, prefix);
  const pinot: FakePinot = await startFakePinot();
  cleanups.push(() => pinot.close());
  await admin.create(minimalPinot(ns));
  return { ns, pinot };
}

async function proxied(): Promise<FaultProxy> {
  const proxy = await createFaultProxy({ kubeConfig, logLimit: 50_000 });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function operator(ns: string, pinot: FakePinot, proxy?: FaultProxy): Promise<RunningOperator> {
  const op = await runOperator({
    watchNamespaces: [ns],
    controllerUrl: pinot.url,
    httpTimeoutMs: 2_000,
    reconcileWaitMs: 600_000,
    ...(proxy && { kubeConfig: proxy.kubeConfig }),
  });
  cleanups.push(() => op.stop());
  return op;
}

const tableStatusWrites = (log: readonly ProxyRequestRecord[]) =>
  log.filter((r) => r.resource === 'pinottables' && r.subresource === 'status' && r.verb === 'patch');

describe('segment reload faults', () => {
  it('sends POST /reload once per schema change when the status write after it is lost and another operator takes over', async () => {
    const { ns, pinot } = await setup('reloadfailover');
    const proxy = await proxied();
    const first = await operator(ns, pinot, proxy);
    await admin.create(pinotSchemaCr(ns));
    await admin.create(pinotTableCr(ns));
    await poll(async () => (await read(admin, types.table, ns, 'baseballstats')).status?.reloadedSchema).toBe(
      schemaJson,
    );
    const reloads = () => pinot.calls().filter((c) => c.includes('/reload'));
    // From the moment Pinot receives the reload, the first operator's table status writes are refused: Pinot ran
    // it, and the status that says so never lands.
    const stop = pinot.onRequest((request) => {
      if (!request.path.includes('/reload')) return;
      proxy.inject({ match: { writes: true, resource: 'pinottables/status' }, fault: { type: 'status', code: 503 } });
    });
    cleanups.push(async () => void stop());
    const changedAt = Date.now();
    await admin.patch(
      { ...types.schema, namespace: ns, name: 'baseballstats' },
      { type: 'merge', body: { spec: { 'schema.json': evolved } } },
    );

    // Precondition: Pinot reloaded once, a status write after it was refused, and the live status still names
    // the old schema as reloaded, with the mark of the request for the new one.
    await poll(() => reloads().length).toBe(1);
    await poll(() => tableStatusWrites(proxy.log).filter((r) => r.fault === 'status').length).toBeGreaterThan(0);
    const lost = await read(admin, types.table, ns, 'baseballstats');
    expect(lost.status?.reloadedSchema).toBe(schemaJson);
    expect(JSON.parse(lost.status?.reloadingSchema)).toEqual(JSON.parse(evolved));
    const writes = tableStatusWrites(proxy.log).filter((r) => r.time.getTime() >= changedAt);
    expect(writes.filter((r) => r.fault === undefined && r.status === 200).length).toBeGreaterThan(0); // the mark

    // Failover: the first operator goes, a second one (no memory of the first) takes over.
    await first.stop();
    await operator(ns, pinot);
    await poll(async () => (await read(admin, types.table, ns, 'baseballstats')).status?.reloadedSchema).toBe(evolved);
    const settled = await read(admin, types.table, ns, 'baseballstats');
    expect(settled.status).toMatchObject({ type: 'PinotTableReloadAllSegmentsUnknown', status: 'Unknown' });
    expect(settled.status?.reloadingSchema).toBeUndefined();
    expect(ready(settled)?.status).toBe('True');
    // Events are sent by the recorder after the status write, so wait for it rather than read once.
    await poll(async () =>
      (await eventsOf(admin, ns, 'baseballstats')).some((e) => e.reason === 'PinotTableReloadAllSegmentsUnknown'),
    ).toBe(true);
    expect(reloads()).toHaveLength(1);
  }, 120_000);

  it('sends POST /reload once when the answer to its mark is lost (committed, response lost), and records the reload', async () => {
    const { ns, pinot } = await setup('reloadmarklost');
    const proxy = await proxied();
    await operator(ns, pinot, proxy);
    await admin.create(pinotSchemaCr(ns));
    await admin.create(pinotTableCr(ns));
    await poll(async () => (await read(admin, types.table, ns, 'baseballstats')).status?.reloadedSchema).toBe(
      schemaJson,
    );
    const changedAt = Date.now();
    // Every table status write loses its answer until Pinot receives the reload: the mark's included.
    proxy.inject({ match: { writes: true, resource: 'pinottables/status' }, fault: { type: 'lostResponse' } });
    let reloadAt = 0;
    const stop = pinot.onRequest((request) => {
      if (!request.path.includes('/reload') || reloadAt) return;
      reloadAt = Date.now();
      proxy.clearFaults();
    });
    cleanups.push(async () => void stop());
    await admin.patch(
      { ...types.schema, namespace: ns, name: 'baseballstats' },
      { type: 'merge', body: { spec: { 'schema.json': evolved } } },
    );
    await poll(async () => (await read(admin, types.table, ns, 'baseballstats')).status?.reloadedSchema).toBe(evolved);
    // Precondition: before the reload, a table status write (the mark) was committed and its answer lost.
    const lost = tableStatusWrites(proxy.log).filter(
      (r) => r.time.getTime() >= changedAt && r.time.getTime() <= reloadAt && r.fault === 'lostResponse',
    );
    expect(lost.some((r) => r.status === 0 && r.upstreamStatus === 200)).toBe(true);
    // Outcome: read back, the mark was there, so the reload was sent, once, and recorded as done.
    expect(pinot.calls().filter((c) => c.includes('/reload'))).toHaveLength(1);
    const table = await read(admin, types.table, ns, 'baseballstats');
    expect(table.status?.reloadStatus).toHaveLength(1);
    expect(table.status?.reloadingSchema).toBeUndefined();
  }, 120_000);
});

describe('REST kinds under lost responses', () => {
  it('pushes each document once and keeps an honest status when its finalizer and status writes lose their answers', async () => {
    const { ns, pinot } = await setup('restlost');
    const proxy = await proxied();
    for (const resource of ['pinotschemas', 'pinottables', 'pinottenants']) {
      proxy.inject({ match: { writes: true, resource }, fault: { type: 'lostResponse' }, times: 1 });
      proxy.inject({
        match: { writes: true, resource: `${resource}/status` },
        fault: { type: 'lostResponse' },
        times: 1,
      });
    }
    await operator(ns, pinot, proxy);
    await admin.create(pinotSchemaCr(ns));
    await admin.create(pinotTableCr(ns));
    await admin.create(pinotTenantCr(ns));
    for (const type of [types.schema, types.table, types.tenant]) {
      const name = type === types.tenant ? 'samplebrokertenant' : 'baseballstats';
      await poll(async () => ready(await read(admin, type, ns, name))?.status).toBe('True');
    }
    // Precondition: every rule hit a write the API server committed while the operator saw a reset.
    const lost = proxy.log.filter((r) => r.fault === 'lostResponse');
    expect(lost).toHaveLength(6);
    for (const record of lost) expect(record).toMatchObject({ status: 0, upstreamStatus: 200 });
    // Outcome: one create per document in Pinot, no update (the lost status did not make it push again).
    const pushes = pinot
      .calls()
      .filter(
        (c) =>
          c.startsWith('POST /schemas') ||
          c.startsWith('POST /tables') ||
          c.startsWith('POST /tenants') ||
          c.startsWith('PUT '),
      );
    expect(pushes.sort()).toEqual(['POST /schemas', 'POST /tables', 'POST /tenants']);
    const table = await read(admin, types.table, ns, 'baseballstats');
    expect(table.status?.type).toBe('PinotTableControllerCreateSuccess');
    expect(table.metadata.finalizers).toEqual(['pinottable.datainfra.io/finalizer']);
  }, 120_000);
});
