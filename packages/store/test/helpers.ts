// Shared by the real-server tests: clients of a control plane, namespaces, bulk writes and an event recorder.

import { type Client, createClient } from '@dsoi/client';
import { createTestNamespace, testKubeConfig } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Informer } from '../src/index.js';

export const configMapType = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

/** An admin client of the run's control plane (or of `kubeConfig`). */
export function adminClient(kubeConfig: KubeConfig = testKubeConfig()): Client {
  return createClient({ kubeConfig, fieldManager: 'dsoi-store-test' });
}

/** A fresh namespace of the run's control plane. */
export function newNamespace(prefix: string): Promise<string> {
  return createTestNamespace(testKubeConfig(), prefix);
}

/** A ConfigMap object. */
export function configMap(namespace: string, name: string, data: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

/** Runs `task` for 0..count-1 with at most `concurrency` in flight (so 2,000 creates do not open 2,000 sockets). */
export async function forEachBounded(count: number, concurrency: number, task: (i: number) => Promise<unknown>) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** One recorded handler call: `['add', name, rv]`, `['update', name, 'oldRv->newRv']` or `['delete', name, rv]`. */
export type RecordedEvent = readonly [event: 'add' | 'update' | 'delete', name: string, version: string];

/** Subscribes to `informer` and records every call in order. */
export function recordEvents(informer: Informer): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  const rv = (obj: KubeObject) => obj.metadata?.resourceVersion ?? '';
  const name = (obj: KubeObject) => obj.metadata?.name ?? '';
  informer.subscribe({
    add: (obj) => events.push(['add', name(obj), rv(obj)]),
    update: (oldObj, newObj) => events.push(['update', name(newObj), `${rv(oldObj)}->${rv(newObj)}`]),
    delete: (obj) => events.push(['delete', name(obj), rv(obj)]),
  });
  return events;
}

/** Polls `check` until it returns true (or stops throwing); fails with its last error after `timeoutMs`. */
export async function eventually(check: () => unknown, timeoutMs = 20_000, intervalMs = 25): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      if ((await check()) !== false) return;
      if (performance.now() > deadline) throw new Error(`condition still false after ${timeoutMs} ms`);
    } catch (error) {
      if (performance.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Starts `informer` until the returned controller aborts (or the test's cleanup aborts it). */
export function run(informer: Pick<Informer, 'start'>, cleanup: AbortController[]) {
  const controller = new AbortController();
  cleanup.push(controller);
  const done = informer.start(controller.signal);
  return { controller, done };
}
