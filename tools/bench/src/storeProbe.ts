/**
 * One informer measurement in a fresh process (so no other informer's garbage skews the heap):
 * `node --expose-gc storeProbe.ts <dsoi|client-node> <memory|events> <kubeconfig file> <namespace> <count>`.
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

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** Starts the informer; `onUpdate` counts events; resolves with a stop function once synced. */
async function start(onUpdate: () => void): Promise<{ size: () => number; stop: () => Promise<void> }> {
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
