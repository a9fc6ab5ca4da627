// kube-apiserver restarted under a running informer of a custom kind, on a control plane of this file's own (the shared one stays up).
import { request } from 'node:https';
import type { Client } from '@dsoi/client';
import { isGone } from '@dsoi/client/errors';
import { type ControlPlane, startControlPlane } from '@dsoi/envtest';
import { testCrd } from '@dsoi/envtest/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createInformer, type Informer, type InformerOptions } from '../src/index.js';
import { adminClient, eventually, type RecordedEvent, recordEvents, run } from './helpers.js';

const gadgetType = { apiVersion: 'store.test.dsoi.io/v1', kind: 'Gadget' } as const;
const gadget = (namespace: string, name: string) => ({
  ...gadgetType,
  metadata: { name, namespace },
  spec: { v: '1' },
});
const gadgetCrd = testCrd({ group: 'store.test.dsoi.io', kind: 'Gadget', statusSubresource: false });

let plane: ControlPlane;
let admin: Client;
const cleanup: AbortController[] = [];

beforeAll(async () => {
  plane = await startControlPlane({ crds: [gadgetCrd] });
  admin = adminClient(plane.kubeConfig);
});
afterAll(async () => {
  await plane?.stop();
});
afterEach(() => {
  for (const controller of cleanup.splice(0)) controller.abort();
});

/**
 * `apiserver_longrunning_requests` for WATCH on gadgets: the watch connections kube-apiserver holds open. A custom
 * kind, because kube-apiserver itself watches ConfigMaps (and most built-in kinds) over its loopback connection.
 */
async function openGadgetWatches(): Promise<number> {
  const url = new URL(plane.server);
  const options = { hostname: url.hostname, port: url.port, path: '/metrics', method: 'GET' };
  await plane.kubeConfig.applyToHTTPSOptions(options);
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
  return text
    .split('\n')
    .filter((line) => line.startsWith('apiserver_longrunning_requests{') && line.includes('resource="gadgets"'))
    .filter((line) => line.includes('verb="WATCH"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** Calls the etcd v3 JSON gateway of the control plane. */
async function etcd<TResult>(path: string, body: object): Promise<TResult> {
  const response = await fetch(`${plane.etcdUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`etcd ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as TResult;
}

/**
 * Compacts etcd's history up to now, as kube-apiserver does every 5 minutes: a watch from an older
 * resourceVersion then fails with 410 Gone. Two writes of a key kube-apiserver never reads move the revision past
 * everything the informer has seen, so its resourceVersion is surely compacted.
 */
async function compactEtcd() {
  const key = Buffer.from('/dsoi-test/compaction-marker').toString('base64');
  for (const value of ['1', '2']) await etcd('/v3/kv/put', { key, value: Buffer.from(value).toString('base64') });
  const { header } = await etcd<{ header: { revision: string } }>('/v3/kv/range', { key });
  await etcd('/v3/kv/compaction', { revision: header.revision, physical: true });
}

/** A namespace with `keep`, `change` and `drop`, and a synced informer on it whose one watch the server holds. */
async function syncedInformer(prefix: string, errors: unknown[], options: InformerOptions = {}) {
  const namespace = `${prefix}-${Math.random().toString(16).slice(2, 10)}`;
  await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  for (const name of ['keep', 'change', 'drop']) await admin.create(gadget(namespace, name));
  const informer = createInformer(admin, gadgetType, {
    namespace,
    onError: (error) => errors.push(error),
    ...options,
  });
  const events = recordEvents(informer);
  run(informer, cleanup);
  await informer.waitForSync();
  await eventually(async () => (await openGadgetWatches()) === 1);
  return { namespace, informer, events, kept: informer.get('keep', namespace) };
}

/** The changes made right after kube-apiserver is back (the client retries while it is still starting). */
async function changeRightAfterRestart(namespace: string) {
  await admin.patch({ ...gadgetType, namespace, name: 'change' }, { type: 'merge', body: { spec: { v: '2' } } });
  await admin.delete({ ...gadgetType, namespace, name: 'drop' });
  await admin.create(gadget(namespace, 'new'));
}

/** Waits until the informer reflects the changes, then checks it saw each exactly once and nothing else. */
async function expectExactlyTheChanges(informer: Informer, namespace: string, events: RecordedEvent[], kept: unknown) {
  await eventually(
    () =>
      informer.get('new', namespace) !== undefined &&
      informer.get('drop', namespace) === undefined &&
      informer.get('change', namespace)?.metadata?.resourceVersion !== undefined &&
      events.length >= 6,
    30_000,
  );
  const afterSync = events.slice(3).map(([event, name]) => `${event} ${name}`);
  expect(afterSync.sort()).toEqual(['add new', 'delete drop', 'update change']);
  expect(informer.get('keep', namespace)).toBe(kept);
  expect((informer.get('change', namespace) as { spec?: object }).spec).toEqual({ v: '2' });
  // Exactly one watch connection afterwards, and it stays the only one.
  await eventually(async () => (await openGadgetWatches()) === 1, 10_000);
  const watches = informer.stats().watches;
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await openGadgetWatches()).toBe(1);
  expect(informer.stats().watches).toBe(watches);
}

describe('kube-apiserver restarts', () => {
  it('misses no change made right after a restart, and keeps exactly one watch connection', async () => {
    const errors: unknown[] = [];
    const { namespace, informer, events, kept } = await syncedInformer('restart', errors);

    await plane.restartApiServer();
    await changeRightAfterRestart(namespace);

    await expectExactlyTheChanges(informer, namespace, events, kept);
    expect(errors.length).toBeGreaterThan(0);
    // Reconnects were paced by the backoff (a few per second at most), not a storm.
    expect(informer.stats().watches).toBeLessThan(15);
    // Whether the watch resumes or (as kube-apiserver 1.36 answers: "too old resource version: 208 (211)", its new
    // watch cache starting after its own startup writes) a 410 forces a relist, the outcome must be the same.
    expect(informer.stats().relists).toBeLessThanOrEqual(1);
  });

  it('relists after 410 Gone when etcd compacted past its resourceVersion while kube-apiserver was down', async () => {
    const errors: unknown[] = [];
    // A faster backoff than the default: this test is about the 410, the first one about pacing.
    const fast = { initialBackoffMs: 200, maxBackoffMs: 1_000 };
    const { namespace, informer, events, kept } = await syncedInformer('compacted', errors, fast);

    await plane.stopApiServer();
    await compactEtcd();
    await plane.startApiServer();
    await changeRightAfterRestart(namespace);

    await expectExactlyTheChanges(informer, namespace, events, kept);
    expect(informer.stats().relists).toBe(1);
    expect(errors.some(isGone)).toBe(true);
  });
});
