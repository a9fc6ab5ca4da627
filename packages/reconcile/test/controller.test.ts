import { type Client, createClient, type KubeObject } from '@dsoi/client';
import { isNotFound } from '@dsoi/client/errors';
import { createTestNamespace, installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createItemBackoffRateLimiter, namespaceFilter, notPaused } from '../src/controller/index.js';
import { done, requeueAfter, TerminalError } from '../src/index.js';
import { startOperator, type TestOperator } from './fixtures/operator.js';
import { configMapType, widget, widgetCrd, widgetType } from './fixtures/widget.js';

const kubeConfig = testKubeConfig();
let admin: Client;
let operator: TestOperator | undefined;

beforeAll(async () => {
  await installCrds(kubeConfig, [widgetCrd]);
  admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
});
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
});

/** Reconcile start times per widget name, in ms since the test started. */
function recorder() {
  const t0 = performance.now();
  const runs = new Map<string, number[]>();
  return {
    runs,
    note(name: string) {
      runs.set(name, [...(runs.get(name) ?? []), performance.now() - t0]);
    },
    count: (name: string) => runs.get(name)?.length ?? 0,
  };
}

describe('controller', () => {
  it('keeps reconciling other keys while one keeps throwing, and retries the failing one', async () => {
    const ns = await createTestNamespace(kubeConfig, 'isolate');
    const seen = recorder();
    operator = await startOperator(
      async ({ object }) => {
        if (!object) return done();
        seen.note(object.metadata.name);
        if (object.metadata.name === 'boom') throw new Error('kaboom');
        if (object.metadata.name === 'reject') return Promise.reject(new Error('rejected promise'));
        return done();
      },
      { namespace: ns },
    );
    await admin.create(widget(ns, 'boom', {}));
    await admin.create(widget(ns, 'reject', {}));
    await admin.create(widget(ns, 'fine', {}));
    await expect.poll(() => seen.count('fine'), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => seen.count('boom'), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => seen.count('reject'), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    await admin.create(widget(ns, 'later', {}));
    await expect.poll(() => seen.count('later'), { timeout: 15_000 }).toBe(1);
  });

  it('backs off a failing key exponentially and honours requeueAfter', async () => {
    const ns = await createTestNamespace(kubeConfig, 'timing');
    const seen = recorder();
    operator = await startOperator(
      async ({ object }) => {
        if (!object) return done();
        seen.note(object.metadata.name);
        if (object.metadata.name === 'failing') throw new Error('again');
        return requeueAfter(400);
      },
      { namespace: ns, rateLimiter: createItemBackoffRateLimiter({ baseDelayMs: 100, maxDelayMs: 10_000 }) },
    );
    await admin.create(widget(ns, 'failing', {}));
    await admin.create(widget(ns, 'ticking', {}));
    await expect.poll(() => seen.count('failing'), { timeout: 15_000 }).toBeGreaterThanOrEqual(5);
    await expect.poll(() => seen.count('ticking'), { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
    const gaps = (name: string) =>
      seen.runs
        .get(name)!
        .slice(1)
        .map((t, i) => t - seen.runs.get(name)![i]!);
    // 100, 200, 400, 800 ms: each retry waits at least its backoff (never earlier), and the waits grow.
    const failing = gaps('failing').slice(0, 4);
    for (const [i, gap] of failing.entries()) expect(gap).toBeGreaterThanOrEqual(100 * 2 ** i * 0.9);
    expect(failing[3]!).toBeGreaterThan(failing[0]!);
    for (const gap of gaps('ticking').slice(0, 3)) expect(gap).toBeGreaterThanOrEqual(380);
  });

  it('does not retry a terminal error until the object changes', async () => {
    const ns = await createTestNamespace(kubeConfig, 'terminal');
    const seen = recorder();
    operator = await startOperator(
      async ({ object }) => {
        if (!object) return done();
        seen.note(object.metadata.name);
        if (!object.spec.value) throw new TerminalError(new Error('spec.value is required'));
        return done();
      },
      { namespace: ns },
    );
    await admin.create(widget(ns, 'bad', {}));
    await expect.poll(() => seen.count('bad'), { timeout: 15_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(seen.count('bad')).toBe(1);
    await admin.patch(
      { ...widgetType, namespace: ns, name: 'bad' },
      { type: 'merge', body: { spec: { value: 'now valid' } } },
    );
    await expect.poll(() => seen.count('bad'), { timeout: 15_000 }).toBe(2);
  });

  it('reads through context.cache: the store cache reader over its own informers, whatever their label selector', async () => {
    const ns = await createTestNamespace(kubeConfig, 'cache');
    const configMap = (name: string, labels: Record<string, string>) =>
      admin.create({ ...configMapType, metadata: { name, namespace: ns, labels }, data: { name } });
    await configMap('labelled', { app: 'widget' });
    await configMap('unlabelled', {});
    const reads: unknown[] = [];
    operator = await startOperator(
      async ({ object, cache, signal }) => {
        if (!object) return done();
        const ref = { ...configMapType, namespace: ns };
        const labelled = await cache.get<KubeObject & { data?: object }>({ ...ref, name: 'labelled' }, { signal });
        // The owned informer selects by label: an unlabelled object reads as absent, as the server would say.
        const unlabelled = await cache.get({ ...ref, name: 'unlabelled' }).catch((error: unknown) => error);
        const secret = { apiVersion: 'v1', kind: 'Secret', namespace: ns, name: 'x' };
        const unwatched = await cache.get(secret).catch((error: unknown) => error);
        const listed = await cache.list(configMapType, { namespace: ns, signal });
        reads.push({
          data: labelled.data,
          unlabelledNotFound: isNotFound(unlabelled),
          unwatched: String(unwatched),
          listed: listed.items.map((item) => item.metadata.name),
          owned: cache.ownedKinds().map((type) => type.kind),
        });
        return done();
      },
      { namespace: ns, ownedLabelSelector: { app: 'widget' } },
    );
    await admin.create(widget(ns, 'reader', {}));
    await expect.poll(() => reads.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    expect(reads[0]).toEqual({
      data: { name: 'labelled' },
      unlabelledNotFound: true,
      unwatched: expect.stringContaining('does not watch v1/Secret: add it to `owns`'),
      listed: ['labelled'],
      owned: ['ConfigMap', 'StatefulSet'],
    });
  });

  it('checks object filters inside the reconcile, so a requeue cannot pass a pause or a deny list', async () => {
    const ns = await createTestNamespace(kubeConfig, 'filters');
    const seen = recorder();
    operator = await startOperator(
      async ({ object }) => {
        if (!object) return done();
        seen.note(object.metadata.name);
        return requeueAfter(200);
      },
      { namespace: ns, predicates: [notPaused(), namespaceFilter({ deny: ['kube-system'] })] },
    );
    await admin.create(widget(ns, 'p', {}));
    await expect.poll(() => seen.count('p'), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await admin.patch(
      { ...widgetType, namespace: ns, name: 'p' },
      { type: 'merge', body: { metadata: { annotations: { 'dsoi.io/paused': 'true' } } } },
    );
    await new Promise((resolve) => setTimeout(resolve, 600)); // let the pause reach the cache
    const paused = seen.count('p');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(seen.count('p')).toBe(paused);
    await admin.patch(
      { ...widgetType, namespace: ns, name: 'p' },
      { type: 'merge', body: { metadata: { annotations: { 'dsoi.io/paused': null } } } },
    );
    await expect.poll(() => seen.count('p'), { timeout: 15_000 }).toBeGreaterThan(paused);
  });
});
