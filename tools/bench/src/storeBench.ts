/**
 * The informer cache beside @kubernetes/client-node's makeInformer and kubernetes-fluent-client's watcher on the same
 * objects: memory per cached object and initial sync time against a real kube-apiserver, and watch events processed
 * per second.
 *
 * Memory and sync use 10,000 real ~5 KB ConfigMaps (with real managedFields) on a real API server; each measurement
 * runs in a fresh process (storeProbe.ts) so no other informer's garbage skews the heap. Events per second cannot
 * come from a real API server (it cannot write 20,000 objects a second on this machine), so every informer reads the
 * same real objects replayed as MODIFIED events by a loopback list+watch server in its own process
 * (replayServer.ts); that measures what the informer itself can take on one core.
 */

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient } from '@dsoi/client';
import { startControlPlane } from '@dsoi/envtest';
import type { KubeObject } from '@dsoi/object';
import { type BenchSection, fmt, markdownTable, verdict } from './table.ts';

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

/** The informers compared, in column order. */
const impls = ['dsoi', 'client-node', 'kfc'] as const;
type Impl = (typeof impls)[number];

interface MemoryResult {
  readonly syncMs: number;
  readonly bytesPerObject: number;
}

async function memory(impl: Impl, kubeconfig: string, namespace: string, count: number): Promise<MemoryResult> {
  return probe<MemoryResult>([impl, 'memory', kubeconfig, namespace, String(count)]);
}

/** Events per second of one informer reading `events` replayed MODIFIED events of `items`. */
async function eventsPerSecond(impl: Impl, items: readonly KubeObject[], events: number): Promise<number> {
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

/** Writes `count` ConfigMaps and reads them back: their mean size on the wire and of their managedFields. */
async function seedConfigMaps(
  plane: Awaited<ReturnType<typeof startControlPlane>>,
  namespace: string,
  count: number,
): Promise<{ items: KubeObject[]; writeMs: number; wireBytes: number; managedBytes: number }> {
  const admin = createClient({ kubeConfig: plane.kubeConfig, fieldManager: 'bench-writer', kinds });
  try {
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
    const mean = (size: (item: KubeObject) => number) =>
      items.reduce((sum, item) => sum + size(item), 0) / items.length;
    const wireBytes = mean((item) => Buffer.byteLength(JSON.stringify(item)));
    const managedBytes = mean((item) =>
      Buffer.byteLength(JSON.stringify((item.metadata as { managedFields?: unknown }).managedFields ?? [])),
    );
    return { items, writeMs, wireBytes, managedBytes };
  } finally {
    admin.close();
  }
}

/** Runs the benchmark and returns its Markdown section. */
export async function runStoreBench(quick: boolean): Promise<BenchSection> {
  const count = quick ? 2_000 : 10_000;
  const events = quick ? 20_000 : 100_000;
  const plane = await startControlPlane();
  try {
    const namespace = 'bench-store';
    const { items, writeMs, wireBytes, managedBytes } = await seedConfigMaps(plane, namespace, count);

    // Each probe runs twice (once in quick mode), the implementations taking turns, and keeps its best figure: a
    // neighbour's CPU burst only ever makes a probe worse.
    const runs = quick ? 1 : 2;
    const memoryRuns = new Map<Impl, MemoryResult[]>(impls.map((impl) => [impl, []]));
    const eventRuns = new Map<Impl, number[]>(impls.map((impl) => [impl, []]));
    for (let r = 0; r < runs; r++) {
      for (const impl of impls) memoryRuns.get(impl)!.push(await memory(impl, plane.kubeconfigPath, namespace, count));
    }
    for (let r = 0; r < runs; r++) {
      for (const impl of impls) eventRuns.get(impl)!.push(await eventsPerSecond(impl, items, events));
    }
    const memoryOf = (impl: Impl): MemoryResult => ({
      syncMs: Math.min(...memoryRuns.get(impl)!.map((m) => m.syncMs)),
      bytesPerObject: Math.min(...memoryRuns.get(impl)!.map((m) => m.bytesPerObject)),
    });
    const eventsOf = (impl: Impl) => Math.max(...eventRuns.get(impl)!);
    const row = (label: string, cell: (impl: Impl) => string) => [label, ...impls.map(cell)];
    const rows = [
      row('memory per cached object (V8 heap)', (i) => `${fmt(memoryOf(i).bytesPerObject / 1024)} KB`),
      row('… as a share of the object on the wire', (i) => `${fmt(memoryOf(i).bytesPerObject / wireBytes, 2)}×`),
      row(`initial sync of ${count.toLocaleString('en-US')} objects`, (i) => `${fmt(memoryOf(i).syncMs / 1000, 2)} s`),
      row(`watch events processed per second (${events.toLocaleString('en-US')} MODIFIED)`, (i) => fmt(eventsOf(i), 0)),
    ];
    const dsoi = memoryOf('dsoi');
    const dsoiEvents = eventsOf('dsoi');
    const markdown = [
      '## Informer cache',
      '',
      `${count.toLocaleString('en-US')} ConfigMaps of ${fmt(wireBytes / 1024)} KB on the wire each (${fmt(managedBytes / 1024)} KB of it managedFields), written in ${fmt(writeMs / 1000, 1)} s.`,
      '',
      markdownTable(
        ['measure', 'dsoi store', '@kubernetes/client-node makeInformer', 'kubernetes-fluent-client Watch ¹'],
        rows,
      ),
      '',
      '¹ `K8s(kind.ConfigMap, { namespace }).Watch(callback)` of kubernetes-fluent-client 3.11.6 (its own @kubernetes/client-node 1.4.0, undici). Its watcher keeps each object in a private Map by uid, used only to diff relists, which callers cannot read; the column is the watcher plus the Map a user keeps from the callback to read objects (same object references, so the second Map costs only its entries). Sync ends when `start()` resolves: the list has been delivered to the callback and the watch is connected. It lists in one request (no `limit`) and reads the kubeconfig from `KUBECONFIG` on every request.',
      '',
    ].join('\n');
    const wireKb = wireBytes / 1024;
    return {
      markdown,
      targets: [
        {
          target: 'cache memory per object at most its JSON size on the wire',
          measured: `${fmt(dsoi.bytesPerObject / 1024)} KB vs ${fmt(wireKb)} KB (${fmt(dsoi.bytesPerObject / wireBytes, 2)}×)`,
          verdict: verdict(dsoi.bytesPerObject <= wireBytes, `${fmt(dsoi.bytesPerObject / 1024 - wireKb)} KB over`),
        },
        {
          target: 'at least 20,000 watch events/s on one core',
          measured: `${fmt(dsoiEvents, 0)} events/s`,
          verdict: verdict(dsoiEvents >= 20_000, `${fmt(20_000 - dsoiEvents, 0)} events/s short`),
        },
      ],
    };
  } finally {
    await plane.stop();
  }
}
