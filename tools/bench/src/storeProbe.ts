/**
 * One informer measurement in a fresh process (so no other informer's garbage skews the heap):
 * `node --expose-gc storeProbe.ts <dsoi|client-node|kfc> <memory|events> <kubeconfig file> <namespace> <count>`.
 * Prints one JSON line: { syncMs, bytesPerObject } or { eventsPerSecond }.
 */
import { readFileSync } from 'node:fs';
import { createClient } from '@dsoi/client';
import { createInformer } from '@dsoi/store';
import { CoreV1Api, KubeConfig, makeInformer } from '@kubernetes/client-node';

const [impl, mode, kubeconfigFile, namespace, countText] = process.argv.slice(2);
const count = Number(countText);
const kubeConfig = new KubeConfig();
kubeConfig.loadFromString(readFileSync(kubeconfigFile!, 'utf8'));
const configMapType = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const kinds = [{ ...configMapType, plural: 'configmaps', namespaced: true }];
// kubernetes-fluent-client reads the kubeconfig itself (KUBECONFIG, then ~/.kube/config) on every request. Loaded
// only for its own probe, before the baseline heap reading, so its modules never count as cached objects.
process.env.KUBECONFIG = kubeconfigFile;
const fluent = impl === 'kfc' ? await import('kubernetes-fluent-client') : undefined;

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

interface Started {
  readonly size: () => number;
  readonly stop: () => Promise<void>;
}

/**
 * kubernetes-fluent-client's `K8s(kind).Watch(callback)`. Its watcher keeps every object in a private Map (by uid,
 * only to diff relists) that callers cannot read, so a user who wants to read objects keeps a Map of their own: this
 * is that Map, filled from the callback; it holds the same object references as the watcher's. `start()` resolves
 * once the list has been delivered to the callback and the watch is connected.
 */
async function startFluent(onUpdate: () => void): Promise<Started> {
  const { K8s, kind } = fluent!;
  const objects = new Map<string, unknown>();
  const watcher = K8s(kind.ConfigMap, { namespace: namespace! }).Watch((object, phase) => {
    const key = `${object.metadata?.namespace}/${object.metadata?.name}`;
    if (phase === 'DELETED') objects.delete(key);
    else objects.set(key, object);
    if (phase === 'MODIFIED') onUpdate();
  });
  await watcher.start();
  return {
    size: () => objects.size,
    stop: async () => watcher.close(),
  };
}

/** Starts the informer; `onUpdate` counts events; resolves with a stop function once synced. */
async function start(onUpdate: () => void): Promise<Started> {
  if (impl === 'kfc') return startFluent(onUpdate);
  if (impl === 'dsoi') {
    const client = createClient({ kubeConfig, fieldManager: 'bench', kinds });
    const informer = createInformer(client, configMapType, { namespace: namespace! });
    informer.subscribe({ update: onUpdate });
    const stopper = new AbortController();
    const running = informer.start(stopper.signal);
    await informer.waitForSync();
    return {
      size: () => informer.list().length,
      stop: async () => {
        stopper.abort();
        await running;
        client.close();
      },
    };
  }
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const informer = makeInformer(kubeConfig, `/api/v1/namespaces/${namespace}/configmaps`, () =>
    core.listNamespacedConfigMap({ namespace: namespace! }),
  );
  informer.on('update', onUpdate);
  await informer.start();
  return { size: () => informer.list().length, stop: () => informer.stop() };
}

if (mode === 'memory') {
  const before = heapUsed();
  const t0 = performance.now();
  const informer = await start(() => {});
  const syncMs = performance.now() - t0;
  if (informer.size() !== count) throw new Error(`${impl} synced ${informer.size()} of ${count}`);
  const bytesPerObject = (heapUsed() - before) / count;
  console.log(JSON.stringify({ syncMs, bytesPerObject }));
  await informer.stop();
} else {
  let seen = 0;
  let t0 = 0;
  let finish!: () => void;
  const all = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const informer = await start(() => {
    if (seen === 0) t0 = performance.now();
    if (++seen === count) finish();
  });
  await all;
  console.log(JSON.stringify({ eventsPerSecond: (count - 1) / ((performance.now() - t0) / 1000) }));
  await informer.stop();
}
process.exit(0);
