import { describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import { LeaderElectionLostError } from './leaderElection.js';
import { type LifecycleParts, ManagerLifecycle, type ManagerState, managerTransitions } from './managerLifecycle.js';

/** Resolves when `signal` aborts. */
const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );

/**
 * A lifecycle over fakes that write what happens, in order, to `steps` (each with the state at that moment), and
 * the states it moves through to `moves`.
 */
function world(overrides: (step: (name: string) => void) => Partial<LifecycleParts> = () => ({})) {
  const steps: string[] = [];
  const moves: ManagerState[] = [];
  const warnings: string[] = [];
  const logger: Logger = {
    debug: (obj) => {
      if ('to' in obj) moves.push(obj.to as ManagerState);
    },
    info: () => {},
    warn: (_obj, msg) => warnings.push(msg ?? ''),
    error: () => {},
    child: () => logger,
  };
  const failed = new AbortController();
  let failure: unknown;
  const step = (name: string) => steps.push(`${name}@${lifecycle.state()}`);
  const parts: LifecycleParts = {
    identity: 'replica-1',
    logger,
    shutdownTimeoutMs: 5_000,
    servers: {
      start: async () => void step('servers.start'),
      failed: failed.signal,
      stop: async () => {
        step('servers.stop');
        if (failure !== undefined) throw failure;
      },
    },
    verifyPermissions: async () => void step('verify'),
    store: {
      start: async (signal) => {
        step('store.start');
        await untilAborted(signal);
        step('store.stopped');
      },
    },
    controllers: () => [
      {
        name: 'widget',
        start: async (signal) => {
          step('controller.start');
          await untilAborted(signal);
          await new Promise((resolve) => setTimeout(resolve, 5)); // an in-flight reconcile finishing
          step('controller.drained');
        },
      },
    ],
    elector: undefined,
    flushEvents: async () => void step('flushEvents'),
    close: () => void step('close'),
    ...overrides(step),
  };
  const lifecycle = new ManagerLifecycle(parts);
  const failRunnable = (err: unknown) => {
    failure = err;
    failed.abort(err);
  };
  return { lifecycle, steps, moves, warnings, step, failRunnable };
}

/** An elector that leads once `elect()` is called, and whose term ends on `lose()`. */
function fakeElector(step: (name: string) => void) {
  let elected: () => void = () => {};
  const leadership = new Promise<void>((resolve) => {
    elected = resolve;
  });
  const term = new AbortController();
  return {
    elector: {
      start: async (signal: AbortSignal) => {
        step('elector.start');
        await untilAborted(signal);
        step('lease.released');
      },
      whenLeader: (signal?: AbortSignal) =>
        Promise.race([
          leadership,
          new Promise<void>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
        ]),
      leadingSignal: () => term.signal,
    },
    elect: () => elected(),
    lose: () => term.abort(),
  };
}

describe('managerTransitions', () => {
  it('reaches every state from created, and stopped from every state; stopped is final', () => {
    const reachable = (from: ManagerState): Set<ManagerState> => {
      const seen = new Set<ManagerState>([from]);
      for (const state of seen) for (const next of managerTransitions[state]) seen.add(next);
      return seen;
    };
    const states = Object.keys(managerTransitions) as ManagerState[];
    expect([...reachable('created')].sort()).toEqual([...states].sort());
    for (const state of states) expect(reachable(state).has('stopped')).toBe(true);
    expect(managerTransitions.stopped).toEqual([]);
  });
});

describe('ManagerLifecycle', () => {
  it('without leader election: starting → leading → draining → stopping → stopped, in that order of work', async () => {
    const { lifecycle, steps, moves } = world();
    expect(lifecycle.state()).toBe('created');
    const stop = new AbortController();
    const running = lifecycle.start(stop.signal);
    await expect.poll(() => lifecycle.state()).toBe('leading');
    expect(lifecycle.isLeader()).toBe(true);
    stop.abort();
    await running;
    expect(moves).toEqual(['starting', 'leading', 'draining', 'stopping', 'stopped']);
    expect(lifecycle.isLeader()).toBe(false);
    expect(steps).toEqual([
      'servers.start@starting',
      'verify@starting',
      'store.start@starting',
      'controller.start@starting',
      'controller.drained@draining',
      'store.stopped@stopping',
      'flushEvents@stopping',
      'servers.stop@stopping',
      'close@stopping',
    ]);
  });

  it('waits in standby; once leading, a stop drains, writes the Events, and only then releases the Lease', async () => {
    let candidate: ReturnType<typeof fakeElector> | undefined;
    const { lifecycle, steps, moves } = world((step) => {
      candidate = fakeElector(step);
      return { elector: candidate.elector };
    });
    const stop = new AbortController();
    const running = lifecycle.start(stop.signal);
    await expect.poll(() => lifecycle.state()).toBe('standby');
    expect(lifecycle.isLeader()).toBe(false);
    expect(steps).not.toContain('store.start@standby');
    candidate?.elect();
    await expect.poll(() => lifecycle.state()).toBe('leading');
    stop.abort();
    await running;
    expect(moves).toEqual(['starting', 'standby', 'leading', 'draining', 'stopping', 'stopped']);
    expect(steps.slice(2)).toEqual([
      'elector.start@starting',
      'store.start@standby',
      'controller.start@standby',
      'controller.drained@draining',
      'store.stopped@stopping',
      'flushEvents@stopping',
      'lease.released@stopping',
      'flushEvents@stopping',
      'servers.stop@stopping',
      'close@stopping',
    ]);
  });

  it('a stop in standby goes to stopping without running the store or a controller', async () => {
    const { lifecycle, steps, moves } = world((step) => ({ elector: fakeElector(step).elector }));
    const stop = new AbortController();
    const running = lifecycle.start(stop.signal);
    await expect.poll(() => lifecycle.state()).toBe('standby');
    stop.abort();
    await running;
    expect(moves).toEqual(['starting', 'standby', 'stopping', 'stopped']);
    expect(steps.some((s) => s.startsWith('store.') || s.startsWith('controller.'))).toBe(false);
    expect(steps).toContain('lease.released@stopping');
  });

  it('a lost Lease drains the controllers and rejects with a LeaderElectionLostError', async () => {
    let candidate: ReturnType<typeof fakeElector> | undefined;
    const { lifecycle, moves, steps } = world((step) => {
      candidate = fakeElector(step);
      return { elector: candidate.elector };
    });
    const running = lifecycle.start(new AbortController().signal);
    candidate?.elect();
    await expect.poll(() => lifecycle.state()).toBe('leading');
    candidate?.lose();
    await expect(running).rejects.toThrow(new LeaderElectionLostError('replica-1 lost the lease; stopping'));
    expect(moves).toEqual(['starting', 'standby', 'leading', 'draining', 'stopping', 'stopped']);
    expect(steps).toContain('controller.drained@draining');
    expect(steps.at(-1)).toBe('close@stopping');
  });

  it('a denied permission check stops from starting: nothing runs, the servers close, start rejects with it', async () => {
    const denied = new Error('missing permissions');
    const { lifecycle, moves, steps } = world(() => ({ verifyPermissions: () => Promise.reject(denied) }));
    await expect(lifecycle.start(new AbortController().signal)).rejects.toBe(denied);
    expect(moves).toEqual(['starting', 'stopping', 'stopped']);
    expect(steps).toEqual([
      'servers.start@starting',
      'flushEvents@stopping',
      'servers.stop@stopping',
      'close@stopping',
    ]);
  });

  it('a server that cannot listen stops what started and rejects with its error', async () => {
    const inUse = new Error('listen EADDRINUSE: address already in use 127.0.0.1:8081');
    const { lifecycle, moves, steps } = world((step) => ({
      servers: {
        start: () => Promise.reject(inUse),
        failed: new AbortController().signal,
        stop: async () => void step('servers.stop'),
      },
    }));
    await expect(lifecycle.start(new AbortController().signal)).rejects.toBe(inUse);
    expect(moves).toEqual(['starting', 'stopping', 'stopped']);
    expect(steps).toEqual(['flushEvents@stopping', 'servers.stop@stopping', 'close@stopping']);
  });

  it('a controller whose start rejects skips the drain and rejects the start with its error', async () => {
    const forbidden = new Error('list statefulsets: Forbidden');
    const { lifecycle, moves } = world(() => ({
      controllers: () => [{ name: 'widget', start: () => Promise.reject(forbidden) }],
    }));
    await expect(lifecycle.start(new AbortController().signal)).rejects.toBe(forbidden);
    expect(moves).toEqual(['starting', 'leading', 'stopping', 'stopped']);
  });

  it('a failing runnable stops the manager as a shutdown would, then start rejects with its error', async () => {
    const { lifecycle, moves, failRunnable } = world();
    const running = lifecycle.start(new AbortController().signal);
    await expect.poll(() => lifecycle.state()).toBe('leading');
    const crash = new Error('webhook server crashed');
    failRunnable(crash);
    await expect(running).rejects.toBe(crash);
    expect(moves).toEqual(['starting', 'leading', 'draining', 'stopping', 'stopped']);
  });

  it('stops anyway when in-flight reconciles outlast shutdownTimeoutMs', async () => {
    const { lifecycle, warnings, moves } = world(() => ({
      shutdownTimeoutMs: 20,
      controllers: () => [{ name: 'stuck', start: () => new Promise<void>(() => {}) }],
    }));
    const stop = new AbortController();
    const running = lifecycle.start(stop.signal);
    await expect.poll(() => lifecycle.state()).toBe('leading');
    stop.abort();
    await running;
    expect(warnings).toEqual(['in-flight reconciles did not finish in time; stopping anyway']);
    expect(moves.at(-1)).toBe('stopped');
  });

  it('does not start twice', async () => {
    const { lifecycle } = world();
    const stop = new AbortController();
    stop.abort();
    await lifecycle.start(stop.signal);
    expect(lifecycle.state()).toBe('stopped');
    await expect(lifecycle.start(new AbortController().signal)).rejects.toThrow(
      'manager: start() was already called (state stopped)',
    );
  });
});
