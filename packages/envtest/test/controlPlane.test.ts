import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type KubernetesObject, KubernetesObjectApi, VersionApi, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../src/index.js';
import { createTestNamespace, testCrd } from '../src/testing.js';

const widgetCrd = testCrd({ group: 'example.dsoi.io', kind: 'Widget' });

function portOpen(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether `pid` is a live process (a zombie waiting to be reaped is dead: it holds no port and runs nothing). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function childPids(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map(Number)
    .filter((pid) => pid > 0);
}

describe('startControlPlane (with the garbage collector)', () => {
  let plane: ControlPlane;
  let ns: string;

  beforeAll(async () => {
    plane = await startControlPlane({ crds: [widgetCrd], garbageCollector: true });
    ns = await createTestNamespace(plane.kubeConfig, 'envtest');
  });
  afterAll(() => plane?.stop());

  it('serves the stamped Kubernetes version on 127.0.0.1', async () => {
    expect(new URL(plane.server).hostname).toBe('127.0.0.1');
    const version = await plane.kubeConfig.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
  });

  it('installs CRDs that are served at once', async () => {
    const objects = KubernetesObjectApi.makeApiClient(plane.kubeConfig);
    const created: KubernetesObject = await objects.create({
      apiVersion: 'example.dsoi.io/v1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: ns },
    });
    expect(created.metadata?.uid).toBeTruthy();
  });

  it('creates, reads and watches a ConfigMap', async () => {
    const core = plane.kubeConfig.makeApiClient(CoreV1Api);
    const seen: string[] = [];
    const watch = new Watch(plane.kubeConfig);
    const request = await watch.watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      {},
      (type, obj: { metadata: { name: string } }) => seen.push(`${type} ${obj.metadata.name}`),
      () => {},
    );
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cm1' }, data: { a: '1' } } });
    const read = await core.readNamespacedConfigMap({ namespace: ns, name: 'cm1' });
    expect(read.data).toEqual({ a: '1' });
    await expect.poll(() => seen, { timeout: 10_000 }).toContain('ADDED cm1');
    request.abort();
  });

  it('round-trips a server-side apply and records the field manager', async () => {
    const objects = KubernetesObjectApi.makeApiClient(plane.kubeConfig);
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'applied', namespace: ns },
      data: { k: 'v' },
    };
    const applied: KubernetesObject = await objects.patch(
      body,
      undefined,
      undefined,
      'envtest-test',
      true,
      'application/apply-patch+yaml',
    );
    expect((applied as { data?: Record<string, string> }).data).toEqual({ k: 'v' });
    expect(applied.metadata?.managedFields?.some((f) => f.manager === 'envtest-test' && f.operation === 'Apply')).toBe(
      true,
    );
  });

  it('garbage-collects an owned object when its owner is deleted', async () => {
    expect(plane.garbageCollector).toBe(true);
    const core = plane.kubeConfig.makeApiClient(CoreV1Api);
    const owner = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'owner' } } });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: {
          name: 'owned',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid!, controller: true },
          ],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'owner' });
    await expect
      .poll(
        () =>
          core.readNamespacedConfigMap({ namespace: ns, name: 'owned' }).then(
            () => 'present',
            (err: { code?: number }) => (err.code === 404 ? 'gone' : 'error'),
          ),
        { timeout: 60_000, interval: 500 },
      )
      .toBe('gone');
  });

  it('keeps the data across a kube-apiserver restart on the same etcd', async () => {
    const core = plane.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'durable' }, data: { x: 'y' } } });
    await plane.restartApiServer();
    const read = await core.readNamespacedConfigMap({ namespace: ns, name: 'durable' });
    expect(read.data).toEqual({ x: 'y' });
  });
});

describe('stop', () => {
  it('leaves no child process, no open port and no temp directory', async () => {
    const before = new Set(childPids());
    const plane = await startControlPlane();
    const started = childPids().filter((pid) => !before.has(pid));
    expect(started.length).toBeGreaterThanOrEqual(2);
    expect(await portOpen(plane.server)).toBe(true);
    expect(await portOpen(plane.etcdUrl)).toBe(true);
    await plane.stop();
    await plane.stop(); // idempotent
    // The watcher process is killed without waiting, so give the kernel a moment to deliver that SIGKILL.
    await expect.poll(() => started.filter(isAlive), { timeout: 5_000, interval: 100 }).toEqual([]);
    expect(await portOpen(plane.server)).toBe(false);
    expect(await portOpen(plane.etcdUrl)).toBe(false);
    expect(existsSync(plane.dir)).toBe(false);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    const plane = await startControlPlane({ signal: controller.signal });
    controller.abort();
    await expect.poll(() => portOpen(plane.server), { timeout: 15_000 }).toBe(false);
    await expect.poll(() => existsSync(plane.dir), { timeout: 15_000 }).toBe(false);
  });

  it('is cleaned up by the reaper when the parent process is SIGKILLed', async () => {
    const script = `
      import { startControlPlane } from '@dsoi/envtest';
      const plane = await startControlPlane();
      console.log(JSON.stringify({ server: plane.server, etcd: plane.etcdUrl, dir: plane.dir }));
      setInterval(() => {}, 1000);
    `;
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => resolve(d.toString())),
    );
    const info = JSON.parse(line) as { server: string; etcd: string; dir: string };
    expect(await portOpen(info.server)).toBe(true);
    child.kill('SIGKILL');
    await expect.poll(() => portOpen(info.server), { timeout: 15_000, interval: 250 }).toBe(false);
    await expect.poll(() => portOpen(info.etcd), { timeout: 15_000, interval: 250 }).toBe(false);
    await expect.poll(() => existsSync(info.dir), { timeout: 15_000, interval: 250 }).toBe(false);
    await sleep(0);
  });
});
