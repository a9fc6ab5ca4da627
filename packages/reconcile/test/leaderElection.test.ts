import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createClient } from '@dsoi/client';
import { createTestNamespace, kubeconfigEnv, testKubeConfig } from '@dsoi/envtest/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { createLeaderElector, type LeaderElectorOptions, type Lease } from '../src/manager/leaderElection.js';

const kubeConfig = testKubeConfig();
const client = createClient({ kubeConfig, fieldManager: 'leader-election-test' });
const logger = createLogger({ level: 'silent' });
const children: ChildProcessByStdio<null, Readable, null>[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  client.close();
});

const readLease = (namespace: string, name: string) =>
  client.get<Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name });

function startElector(options: Omit<LeaderElectorOptions, 'client' | 'logger'>) {
  const elector = createLeaderElector({ client, logger, ...options });
  const stop = new AbortController();
  return { elector, stop, run: elector.start(stop.signal) };
}

/** Runs test/fixtures/elector.ts in its own Node process; `next(event)` waits for the child to print that event. */
function spawnElector(env: Record<string, string>) {
  const fixture = fileURLToPath(new URL('./fixtures/elector.ts', import.meta.url));
  const hook = fileURLToPath(new URL('./fixtures/tsResolve.mjs', import.meta.url));
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '--import', hook, fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const events: string[] = [];
  const waiters: (() => void)[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) events.push((JSON.parse(line) as { event: string }).event);
    for (const waiter of waiters.splice(0)) waiter();
  });
  const next = (event: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (events.includes(event)) resolve();
        else if (child.exitCode !== null)
          reject(new Error(`elector child exited (${child.exitCode}) before "${event}"`));
        else waiters.push(check);
      };
      child.once('exit', check);
      check();
    });
  return { child, events, next };
}

describe('leader election against a real API server', () => {
  it('elects one of two electors; on abort the leader releases the Lease and the standby takes over at once', async () => {
    const namespace = await createTestNamespace(kubeConfig, 'leader');
    // A long lease: the standby can only take over before it would expire because the leader released it.
    const timing = { name: 'op', namespace, leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 500 };
    const a = startElector({ ...timing, identity: 'a' });
    await a.elector.whenLeader(AbortSignal.timeout(10_000));
    const b = startElector({ ...timing, identity: 'b' });
    await new Promise((resolve) => setTimeout(resolve, 4 * timing.retryPeriodMs));
    expect([a.elector.isLeader(), b.elector.isLeader()]).toEqual([true, false]);
    expect(b.elector.leader()).toBe('a');
    expect((await readLease(namespace, 'op')).spec).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 30,
      leaseTransitions: 0,
    });

    const term = a.elector.leadingSignal();
    a.stop.abort();
    await a.run;
    expect(term.aborted).toBe(true);
    await b.elector.whenLeader(AbortSignal.timeout(timing.leaseDurationMs / 2));
    const lease = await readLease(namespace, 'op');
    expect(lease.spec).toMatchObject({ holderIdentity: 'b', leaseDurationSeconds: 30, leaseTransitions: 1 });
    expect(lease.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    b.stop.abort();
    await b.run;
    expect((await readLease(namespace, 'op')).spec?.holderIdentity).toBe('');
  });

  it('a standby in another process takes over after the leader process is SIGKILLed', async () => {
    const namespace = await createTestNamespace(kubeConfig, 'leader');
    const timing = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
    const child = spawnElector({
      KUBECONFIG: process.env[kubeconfigEnv] ?? '',
      LEASE_NAMESPACE: namespace,
      LEASE_NAME: 'op',
      IDENTITY: 'process-a',
      LEASE_DURATION_MS: String(timing.leaseDurationMs),
      RENEW_DEADLINE_MS: String(timing.renewDeadlineMs),
      RETRY_PERIOD_MS: String(timing.retryPeriodMs),
    });
    await child.next('leading');
    const b = startElector({ ...timing, name: 'op', namespace, identity: 'process-b' });
    await new Promise((resolve) => setTimeout(resolve, timing.leaseDurationMs + timing.retryPeriodMs));
    expect(b.elector.isLeader()).toBe(false);
    expect(b.elector.leader()).toBe('process-a');

    child.child.kill('SIGKILL');
    await b.elector.whenLeader(AbortSignal.timeout(timing.leaseDurationMs + 10_000));
    expect(child.events).not.toContain('stopped'); // killed: it never got to release
    expect((await readLease(namespace, 'op')).spec).toMatchObject({ holderIdentity: 'process-b', leaseTransitions: 1 });
    b.stop.abort();
    await b.run;
  });
});
