import type { GetOptions, ObjectRefOrObject, WriteOptions } from '@dsoi/client';
import { AlreadyExistsError, ConflictError, ConnectionError, ForbiddenError, NotFoundError } from '@dsoi/client/errors';
import type { KubeObject, Live } from '@dsoi/object';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.js';
import {
  createLeaderElector,
  type LeaderElectorOptions,
  type Lease,
  type LeaseClient,
  type LeaseSpec,
  leaderElectionDefaults,
} from './leaderElection.js';
import { microTime } from './leaseRecord.js';

/** An in-memory Lease API with optimistic concurrency, outages (requests hang until their timeout) and a call log. */
function createFakeLeases() {
  let stored: Lease | undefined;
  let version = 0;
  const fake = {
    calls: [] as string[],
    down: false,
    forbidden: false,
    lease: (): Lease | undefined => stored,
    /** Another writer: bumps the resourceVersion. */
    write(spec: LeaseSpec): void {
      version++;
      stored = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'op', namespace: 'ns', uid: 'lease-uid', resourceVersion: String(version) },
        spec,
      };
    },
  };
  async function call<T>(verb: string, options: GetOptions | WriteOptions | undefined, fn: () => T): Promise<T> {
    fake.calls.push(verb);
    if (fake.forbidden)
      throw new ForbiddenError({ reason: 'Forbidden', code: 403, message: `${verb} Lease ns/op: Forbidden` });
    if (fake.down) {
      await new Promise<void>((_, reject) => {
        const fail = () => reject(new ConnectionError({ message: `${verb}: connection refused` }));
        setTimeout(fail, options?.timeoutMs ?? 30_000);
        options?.signal?.addEventListener('abort', fail, { once: true });
      });
    }
    await Promise.resolve();
    options?.signal?.throwIfAborted();
    return fn();
  }
  const cast = <T extends KubeObject>(lease: Lease): Live<T> => structuredClone(lease) as unknown as Live<T>;
  const client: LeaseClient = {
    get: <T extends KubeObject>(_ref: ObjectRefOrObject, options?: GetOptions) =>
      call('get', options, () => {
        if (!stored) throw new NotFoundError({ reason: 'NotFound', code: 404, message: 'get Lease ns/op: NotFound' });
        return cast<T>(stored);
      }),
    create: <T extends KubeObject>(object: T, options?: WriteOptions) =>
      call('create', options, () => {
        if (stored) throw new AlreadyExistsError({ reason: 'AlreadyExists', code: 409, message: 'AlreadyExists' });
        fake.write((object as Lease).spec ?? {});
        return cast<T>(fake.lease() as Lease);
      }),
    replace: <T extends KubeObject>(object: T, options?: WriteOptions) =>
      call('replace', options, () => {
        if (object.metadata?.resourceVersion !== stored?.metadata?.resourceVersion) {
          throw new ConflictError({ reason: 'Conflict', code: 409, message: 'replace Lease ns/op: Conflict' });
        }
        fake.write((object as Lease).spec ?? {});
        return cast<T>(stored as Lease);
      }),
  };
  return { fake, client };
}

const silent = createLogger({ level: 'silent' });
const timing = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

function elector(client: LeaseClient, identity: string, extra: Partial<LeaderElectorOptions> = {}) {
  const stopped: string[] = [];
  const elector = createLeaderElector({
    client,
    name: 'op',
    namespace: 'ns',
    identity,
    logger: silent,
    onStoppedLeading: (reason) => stopped.push(reason),
    ...timing,
    ...extra,
  });
  const stop = new AbortController();
  const run = elector.start(stop.signal);
  return { elector, stop, run, stopped };
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-25T20:30:00.123Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createLeaderElector', () => {
  it('creates a missing Lease, leads, and renews by writing over its own copy (no re-read)', async () => {
    const { fake, client } = createFakeLeases();
    const registry = new Registry();
    const started = vi.fn();
    const a = elector(client, 'a', { registry, onStartedLeading: started });
    await a.elector.whenLeader();
    expect(a.elector.isLeader()).toBe(true);
    expect(a.elector.leader()).toBe('a');
    expect(started).toHaveBeenCalledWith(a.elector.leadingSignal());
    expect(fake.lease()?.spec).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2026-11-25T20:30:00.123000Z',
      renewTime: '2026-11-25T20:30:00.123000Z',
      leaseTransitions: 0,
    });
    expect(await registry.getSingleMetricAsString('leader_election_master_status')).toContain('{name="op"} 1');

    fake.calls.length = 0;
    await vi.advanceTimersByTimeAsync(2 * timing.retryPeriodMs);
    expect(fake.calls).toEqual(['replace', 'replace']);
    expect(fake.lease()?.spec?.renewTime).toBe('2026-11-25T20:30:04.123000Z');
    expect(fake.lease()?.spec?.acquireTime).toBe('2026-11-25T20:30:00.123000Z');
    a.stop.abort();
    await a.run;
    expect(await registry.getSingleMetricAsString('leader_election_master_status')).toContain('{name="op"} 0');
  });

  it('waits leaseDuration from its own observation of the last change, whatever the remote renewTime says', async () => {
    const { fake, client } = createFakeLeases();
    // A dead holder whose renewTime is an hour old: a skewed clock must not make it look expired at once.
    fake.write({
      holderIdentity: 'dead',
      leaseDurationSeconds: 15,
      renewTime: '2026-11-25T19:30:00.000000Z',
      leaseTransitions: 4,
    });
    const newLeader = vi.fn();
    const b = elector(client, 'b', { onNewLeader: newLeader });
    await vi.advanceTimersByTimeAsync(14_000);
    expect(b.elector.isLeader()).toBe(false);
    expect(b.elector.leader()).toBe('dead');
    await vi.advanceTimersByTimeAsync(1_000 + 1.2 * timing.retryPeriodMs);
    expect(b.elector.isLeader()).toBe(true);
    expect(fake.lease()?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 5 });
    expect(newLeader.mock.calls).toEqual([['dead'], ['b']]);
    b.stop.abort();
    await b.run;
  });

  it('keeps waiting while the holder renews, and re-reads after a conflict instead of overwriting', async () => {
    const { fake, client } = createFakeLeases();
    fake.write({ holderIdentity: 'other', leaseDurationSeconds: 15, leaseTransitions: 0 });
    const b = elector(client, 'b');
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(5_000);
      fake.write({ ...fake.lease()?.spec, renewTime: microTime(new Date()) });
    }
    expect(b.elector.isLeader()).toBe(false);

    // The holder is gone; just as b writes, a third candidate wins: b's replace conflicts and b re-reads.
    const original = client.replace;
    client.replace = async (object, options) => {
      client.replace = original;
      fake.write({ holderIdentity: 'c', leaseDurationSeconds: 15, leaseTransitions: 1 });
      return original(object, options);
    };
    // b last observed a renewal at ~25 s (+ up to one jittered retry period), so the lease expires by ~42.4 s and b's
    // conflicting attempt lands by ~44.8 s; c's fresh lease then holds for 15 s. 52 s sits safely between the two.
    await vi.advanceTimersByTimeAsync(27_000);
    expect(b.elector.isLeader()).toBe(false);
    expect(b.elector.leader()).toBe('c');
    b.stop.abort();
    await b.run;
  });

  it('stops leading renewDeadline after its last successful renewal when the API server is unreachable', async () => {
    const { fake, client } = createFakeLeases();
    const a = elector(client, 'a');
    await a.elector.whenLeader();
    const term = a.elector.leadingSignal();
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs); // renewed at t = 2 s
    fake.down = true;
    await vi.advanceTimersByTimeAsync(timing.renewDeadlineMs - 1);
    expect(term.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(term.aborted).toBe(true);
    expect(term.reason).toBeInstanceOf(Error);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.elector.leadingSignal().aborted).toBe(true);
    expect(a.stopped).toEqual(['lost']);
    // Nobody else wrote: once the server is back, the Lease still names a, which takes it again.
    fake.down = false;
    await vi.advanceTimersByTimeAsync(timing.renewDeadlineMs + 3 * timing.retryPeriodMs);
    expect(a.elector.isLeader()).toBe(true);
    a.stop.abort();
    await a.run;
  });

  it('stops leading at the renew deadline even when no timer could fire (a paused process)', async () => {
    const { fake, client } = createFakeLeases();
    const a = elector(client, 'a');
    await a.elector.whenLeader();
    const term = a.elector.leadingSignal();
    // SIGSTOP: the clock moves on and nothing runs. On SIGCONT, I/O callbacks (a reconcile and its next write) may
    // run before the timer that ends the term, so each check of leadership must read the clock itself.
    const pausedAt = performance.now();
    const clock = vi.spyOn(performance, 'now').mockReturnValue(pausedAt + timing.renewDeadlineMs - 1);
    expect(a.elector.isLeader()).toBe(true);
    clock.mockReturnValue(pausedAt + timing.renewDeadlineMs);
    expect(term.aborted).toBe(false); // no timer ran
    expect(a.elector.isLeader()).toBe(false);
    expect(term.aborted).toBe(true);
    expect(term.reason).toBeInstanceOf(Error);
    expect(term.reason.message).toMatch(/no successful renewal for 10000 ms, found by a leadership check/);
    expect(a.elector.leadingSignal().aborted).toBe(true);
    expect(a.stopped).toEqual(['lost']);
    clock.mockRestore();
    // A successor wrote meanwhile: the resumed elector's renewal conflicts, and it stays a follower.
    fake.write({ holderIdentity: 'b', leaseDurationSeconds: 15, leaseTransitions: 1 });
    await vi.advanceTimersByTimeAsync(timing.renewDeadlineMs);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.elector.leader()).toBe('b');
    expect(a.stopped).toEqual(['lost']);
    a.stop.abort();
    await a.run;
  });

  it('stops leading at once when it finds another holder on the Lease', async () => {
    const { fake, client } = createFakeLeases();
    const a = elector(client, 'a');
    await a.elector.whenLeader();
    fake.write({ holderIdentity: 'usurper', leaseDurationSeconds: 15, leaseTransitions: 1 });
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.stopped).toEqual(['lost']);
    expect(fake.lease()?.spec?.holderIdentity).toBe('usurper');
    a.stop.abort();
    await a.run;
  });

  it('releases the Lease on abort so a standby takes over at its next attempt', async () => {
    const { fake, client } = createFakeLeases();
    const a = elector(client, 'a');
    await a.elector.whenLeader();
    const b = elector(client, 'b');
    await vi.advanceTimersByTimeAsync(3 * timing.retryPeriodMs);
    expect(b.elector.isLeader()).toBe(false);

    a.stop.abort();
    await a.run;
    expect(a.stopped).toEqual(['stopped']);
    expect(fake.lease()?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 0 });
    await vi.advanceTimersByTimeAsync(1.2 * timing.retryPeriodMs);
    expect(b.elector.isLeader()).toBe(true);
    expect(fake.lease()?.spec).toMatchObject({ holderIdentity: 'b', leaseDurationSeconds: 15, leaseTransitions: 1 });
    b.stop.abort();
    await b.run;
  });

  it('keeps the Lease on abort with releaseOnCancel: false', async () => {
    const { fake, client } = createFakeLeases();
    const a = elector(client, 'a', { releaseOnCancel: false });
    await a.elector.whenLeader();
    a.stop.abort();
    await a.run;
    expect(fake.lease()?.spec?.holderIdentity).toBe('a');
  });

  it('takes a Lease that already names it (a restart with the same identity) at once', async () => {
    const { fake, client } = createFakeLeases();
    fake.write({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2026-01-01T00:00:00.000000Z',
      leaseTransitions: 3,
    });
    const a = elector(client, 'a');
    await a.elector.whenLeader();
    expect(fake.lease()?.spec).toMatchObject({ acquireTime: '2026-01-01T00:00:00.000000Z', leaseTransitions: 3 });
    a.stop.abort();
    await a.run;
  });

  it('rejects whenLeader when its signal aborts or the elector stops first', async () => {
    const { fake, client } = createFakeLeases();
    fake.write({ holderIdentity: 'other', leaseDurationSeconds: 15 });
    const b = elector(client, 'b');
    const wait = new AbortController();
    const waiting = b.elector.whenLeader(wait.signal);
    wait.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    const pending = b.elector.whenLeader();
    b.stop.abort();
    await expect(pending).rejects.toThrow('stopped before b became the leader');
    await b.run;
    await expect(b.elector.whenLeader()).rejects.toThrow('is stopped');
    await expect(b.elector.start(new AbortController().signal)).rejects.toThrow('already called');
  });

  it('fails start() at once when RBAC forbids the Lease', async () => {
    const { fake, client } = createFakeLeases();
    fake.forbidden = true;
    const a = elector(client, 'a');
    await expect(a.run).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('rejects inconsistent durations and empty names', () => {
    const { client } = createFakeLeases();
    const base = { client, name: 'op', namespace: 'ns', logger: silent };
    expect(() => createLeaderElector({ ...base, leaseDurationMs: 10_000 })).toThrow(
      /leaseDurationMs \(10000\) must exceed/,
    );
    expect(() => createLeaderElector({ ...base, retryPeriodMs: 9_000 })).toThrow(/renewDeadlineMs/);
    expect(() => createLeaderElector({ ...base, name: '' })).toThrow(RangeError);
    expect(createLeaderElector(base).identity).toMatch(/^.+_[0-9a-f-]{36}$/);
    expect(leaderElectionDefaults).toEqual({
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      releaseOnCancel: true,
    });
  });
});
