/**
 * The informer cache beside @kubernetes/client-node's makeInformer on the same objects: memory per cached object and
 * initial sync time against a real kube-apiserver, and watch events processed per second.
 *
 * Memory and sync use 10,000 real ~5 KB ConfigMaps (with real managedFields) on a real API server; each measurement
 * runs in a fresh process (storeProbe.ts) so no other informer's garbage skews the heap. Events per second cannot
 * come from a real API server (it cannot write 20,000 objects a second on this machine), so both informers read the
 * same real objects replayed as MODIFIED events by a loopback list+watch server in its own process
 * (replayServer.ts); that measures what the informer itself can take on one core.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient, type KubeObject } from '@dsoi/client';
import { startControlPlane } from '@dsoi/envtest';
import { fmt, markdownTable } from './table.ts';

const configMapType = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const kinds = [{ ...configMapType, plural: 'configmaps', namespaced: true }];
const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

/** Runs storeProbe.ts in a fresh process and returns its JSON line. */
async function probe<T>(args: readonly string[]): Promise<T> {
  const { stdout } = await run(process.execPath, ['--expose-gc', join(here, 'storeProbe.ts'), ...args], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

function payload(i: number): Record<string, string> {
  // ~5 KB of JSON per object: 40 keys of ~110 bytes; each key is a separate managedFields entry.
  return Object.fromEntries(
    Array.from({ length: 40 }, (_, k) => [`setting-${k}.conf`, `value-${i}-${k}-${'x'.repeat(80)}`]),
  );
}

async function inBatches<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += concurrency) await Promise.all(items.slice(i, i + concurrency).map(fn));
}

interface MemoryResult {
  readonly syncMs: number;
  readonly bytesPerObject: number;
}

async function memory(
  impl: 'dsoi' | 'client-node',
  kubeconfig: string,
  namespace: string,
  count: number,
): Promise<MemoryResult> {
  return probe<MemoryResult>([impl, 'memory', kubeconfig, namespace, String(count)]);
}

/** Events per second of one informer reading `events` replayed MODIFIED events of `items`. */
async function eventsPerSecond(
  impl: 'dsoi' | 'client-node',
  items: readonly KubeObject[],
  events: number,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'dsoi-bench-'));
  const itemsFile = join(dir, 'items.json');
  writeFileSync(itemsFile, JSON.stringify(items));
  const server = spawn(process.execPath, [join(here, 'replayServer.ts'), itemsFile, String(events)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      server.once('exit', (code) => reject(new Error(`the replay server exited with code ${code}`)));
    });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{ name: r, cluster: { server: 'http://127.0.0.1:${port}', insecure-skip-tls-verify: true } }]\nusers: [{ name: r, user: {} }]\ncontexts: [{ name: r, context: { cluster: r, user: r } }]\ncurrent-context: r\n`,
    );
    return (await probe<{ eventsPerSecond: number }>([impl, 'events', kubeconfig, 'bench', String(events)]))
      .eventsPerSecond;
  } finally {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark and returns its Markdown section. */
export async function runStoreBench(quick: boolean): Promise<string> {
  const count = quick ? 2_000 : 10_000;
  const events = quick ? 20_000 : 100_000;
  const plane = await startControlPlane();
  try {
    const admin = createClient({ kubeConfig: plane.kubeConfig, fieldManager: 'bench-writer', kinds });
    const namespace = 'bench-store';
    await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const t0 = performance.now();
    await inBatches(
      Array.from({ length: count }, (_, i) => i),
      25,
      (i) =>
        admin.apply({
          ...configMapType,
          metadata: { name: `cm-${i}`, namespace, labels: { app: 'bench', shard: String(i % 16) } },
          data: payload(i),
        }),
    );
    const writeMs = performance.now() - t0;
    const items = (await admin.listAll<KubeObject>(configMapType, { namespace })).items;
    const wireBytes = items.reduce((sum, item) => sum + Buffer.byteLength(JSON.stringify(item)), 0) / items.length;
    const managedBytes =
      items.reduce(
        (sum, item) =>
          sum + Buffer.byteLength(JSON.stringify((item.metadata as { managedFields?: unknown }).managedFields ?? [])),
        0,
      ) / items.length;
    admin.close();

    const kubeconfig = plane.kubeconfigPath;
    const best = (a: MemoryResult, b: MemoryResult) => ({
      syncMs: Math.min(a.syncMs, b.syncMs),
      bytesPerObject: Math.min(a.bytesPerObject, b.bytesPerObject),
    });
    const clientNode = best(
      await memory('client-node', kubeconfig, namespace, count),
      await memory('client-node', kubeconfig, namespace, count),
    );
    const dsoi = best(
      await memory('dsoi', kubeconfig, namespace, count),
      await memory('dsoi', kubeconfig, namespace, count),
    );
    const dsoiEvents = Math.max(
      await eventsPerSecond('dsoi', items, events),
      await eventsPerSecond('dsoi', items, events),
    );
    const clientNodeEvents = Math.max(
      await eventsPerSecond('client-node', items, events),
      await eventsPerSecond('client-node', items, events),
    );

    const rows = [
      [
        'memory per cached object (V8 heap)',
        `${fmt(dsoi.bytesPerObject / 1024)} KB`,
        `${fmt(clientNode.bytesPerObject / 1024)} KB`,
      ],
      [
        '… as a share of the object on the wire',
        `${fmt(dsoi.bytesPerObject / wireBytes, 2)}×`,
        `${fmt(clientNode.bytesPerObject / wireBytes, 2)}×`,
      ],
      [
        `initial sync of ${count.toLocaleString('en-US')} objects`,
        `${fmt(dsoi.syncMs / 1000, 2)} s`,
        `${fmt(clientNode.syncMs / 1000, 2)} s`,
      ],
      [
        `watch events processed per second (${events.toLocaleString('en-US')} MODIFIED)`,
        fmt(dsoiEvents, 0),
        fmt(clientNodeEvents, 0),
      ],
    ];
    const memoryMet = dsoi.bytesPerObject <= wireBytes;
    const eventsMet = dsoiEvents >= 20_000;
    return [
      '## Informer cache',
      '',
      `${count.toLocaleString('en-US')} ConfigMaps of ${fmt(wireBytes / 1024)} KB on the wire each (${fmt(managedBytes / 1024)} KB of it managedFields), written in ${fmt(writeMs / 1000, 1)} s.`,
      '',
      markdownTable(['measure', 'dsoi store', '@kubernetes/client-node makeInformer'], rows),
      '',
      `Targets: memory per object at most its wire size — ${memoryMet ? 'met' : 'missed'}; at least 20,000 watch events/s on one core — ${eventsMet ? 'met' : 'missed'}.`,
      '',
    ].join('\n');
  } finally {
    await plane.stop();
  }
}
