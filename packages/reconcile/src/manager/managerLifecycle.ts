/**
 * The run of a manager as named states, each move one small method: starting (servers up, permissions checked) →
 * standby (waiting for the Lease, under leader election only) → leading (controllers run) → draining (in-flight
 * reconciles finish) → stopping (store, Events, Lease, servers) → stopped.
 */
import type { Logger } from '../logger.js';
import { LeaderElectionLostError, type LeaderElector } from './leaderElection.js';

/**
 * Where a manager is in its life, in the order it passes them:
 * - `created`: built, controllers may be added; nothing runs.
 * - `starting`: runnables and servers started; the permission check runs.
 * - `standby`: under leader election, waiting to acquire the Lease (probes served, no controller runs).
 * - `leading`: the store and the controllers run.
 * - `draining`: the stop was asked for (or the Lease lost); in-flight reconciles finish, up to `shutdownTimeoutMs`.
 * - `stopping`: the store stops, pending Events are written, the Lease is released, the servers close.
 * - `stopped`: `start` has settled (or is about to); a manager does not start twice.
 */
export type ManagerState = 'created' | 'starting' | 'standby' | 'leading' | 'draining' | 'stopping' | 'stopped';

/** Which state may follow which. Any other move is a bug in the lifecycle, and throws. */
export const managerTransitions: Readonly<Record<ManagerState, readonly ManagerState[]>> = Object.freeze({
  created: ['starting'],
  // A permission check that fails, or a stop before any controller ran, goes straight to stopping.
  starting: ['standby', 'leading', 'stopping'],
  standby: ['leading', 'stopping'],
  // A controller whose start rejects (e.g. its informer is forbidden) skips the drain.
  leading: ['draining', 'stopping'],
  draining: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
});

/** The servers and runnables every replica runs, leader or not (see `ManagerServers`). */
export interface LifecycleServers {
  /** Starts the runnables, then resolves once every server listens. */
  start(): Promise<void>;
  /** Aborted, with the failure as reason, when a runnable fails. */
  readonly failed: AbortSignal;
  /** Stops them all and waits; then rejects with the first runnable's failure, if one failed. */
  stop(): Promise<void>;
}

/** What a {@link ManagerLifecycle} drives; the manager passes its own parts, a test passes fakes. */
export interface LifecycleParts {
  /** This replica's identity, for log lines and the lost-lease error. */
  readonly identity: string;
  readonly logger: Logger;
  /** How long in-flight reconciles may take to finish once draining. */
  readonly shutdownTimeoutMs: number;
  readonly servers: LifecycleServers;
  /** The start-up permission check, or `undefined` when turned off. Rejects to stop the start. */
  readonly verifyPermissions: ((signal: AbortSignal) => Promise<void>) | undefined;
  readonly store: { start(signal: AbortSignal): Promise<void> };
  /** The controllers to run (read when leading starts: those added by then). */
  readonly controllers: () => readonly { readonly name: string; start(signal: AbortSignal): Promise<void> }[];
  /** The elector, or `undefined` without leader election (the controllers run at once). */
  readonly elector: Pick<LeaderElector, 'start' | 'whenLeader' | 'leadingSignal'> | undefined;
  /** Writes the pending Events; called before the Lease is released (idempotent). */
  readonly flushEvents: () => Promise<void>;
  /** Closes the API clients, last. */
  readonly close: () => void;
}

/**
 * A manager's run: {@link start} walks the states of {@link ManagerState}; {@link state} tells where it is, and
 * {@link isLeader} whether the controllers run (leading or draining).
 */
export class ManagerLifecycle {
  #state: ManagerState = 'created';
  readonly #parts: LifecycleParts;

  constructor(parts: LifecycleParts) {
    this.#parts = parts;
  }

  /** The current state. */
  state(): ManagerState {
    return this.#state;
  }

  /** Whether this instance runs the controllers now (until their in-flight reconciles finished). */
  isLeader(): boolean {
    return this.#state === 'leading' || this.#state === 'draining';
  }

  /**
   * Runs until `signal` aborts (or a runnable fails, or the Lease is lost), then stops everything. Rejects as
   * `Manager.start` documents; a second call rejects with an `Error`.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#state !== 'created') throw new Error(`manager: start() was already called (state ${this.#state})`);
    this.#moveTo('starting');
    const { servers, logger, elector } = this.#parts;
    // A failing runnable stops everything else as a shutdown would, then the manager rejects with its error.
    const running = AbortSignal.any([signal, servers.failed]);
    try {
      await servers.start();
      const controllers = this.#parts.controllers().map((c) => c.name);
      logger.info({ controllers, leaderElection: Boolean(elector) }, 'manager starting');
      await this.#parts.verifyPermissions?.(running);
      if (elector) await this.#electThenLead(elector, running);
      else await this.#lead(running);
    } catch (err) {
      if (!(err instanceof Error && err.name === 'AbortError' && running.aborted)) throw err;
    } finally {
      await this.#stop();
    }
  }

  /** starting → standby → leading, then stopping: the Lease is released only after the drain and the Events. */
  async #electThenLead(elector: NonNullable<LifecycleParts['elector']>, signal: AbortSignal): Promise<void> {
    const electorStop = new AbortController();
    const electorRun = elector.start(electorStop.signal);
    try {
      this.#moveTo('standby');
      await elector.whenLeader(signal);
      if (signal.aborted) return;
      this.#parts.logger.info({ identity: this.#parts.identity }, 'became leader; starting controllers');
      const lost = elector.leadingSignal();
      await this.#lead(AbortSignal.any([signal, lost]));
      if (lost.aborted && !signal.aborted)
        throw new LeaderElectionLostError(`${this.#parts.identity} lost the lease; stopping`);
    } finally {
      this.#enterStopping();
      // The pending Events go out while this instance still leads (after the release the leader-only client refuses
      // them), so two leaders never act at once.
      await this.#parts.flushEvents();
      electorStop.abort();
      await electorRun;
    }
  }

  /** leading (store and controllers run) → draining (once `signal` aborts or every controller returned) → stopping. */
  async #lead(signal: AbortSignal): Promise<void> {
    const storeStop = new AbortController();
    const storeRun = this.#parts.store.start(storeStop.signal);
    const runs = this.#parts.controllers().map((c) => c.start(signal));
    this.#moveTo('leading');
    try {
      await Promise.race([
        // With no controllers (a manager of webhooks only) there is nothing to finish: run until the signal aborts.
        ...(runs.length > 0 ? [Promise.all(runs)] : []),
        new Promise((resolve) =>
          signal.aborted ? resolve(undefined) : signal.addEventListener('abort', resolve, { once: true }),
        ),
      ]);
      this.#moveTo('draining');
      await this.#drain(runs);
    } finally {
      this.#enterStopping();
      storeStop.abort();
      await storeRun.catch((err: unknown) => this.#parts.logger.error({ err }, 'store stopped with an error'));
    }
  }

  /** Waits for the in-flight reconciles, bounded by the shutdown timeout. */
  async #drain(runs: readonly Promise<void>[]): Promise<void> {
    const { shutdownTimeoutMs, logger } = this.#parts;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(runs).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), shutdownTimeoutMs).unref();
      }),
    ]).finally(() => clearTimeout(timer));
    if (!drained) logger.warn({ shutdownTimeoutMs }, 'in-flight reconciles did not finish in time; stopping anyway');
  }

  /** stopping → stopped: Events written, servers and runnables stopped, clients closed. */
  async #stop(): Promise<void> {
    this.#enterStopping();
    const { flushEvents, servers, close, logger } = this.#parts;
    try {
      await flushEvents();
      await servers.stop();
    } finally {
      close();
      this.#moveTo('stopped');
      logger.info({}, 'manager stopped');
    }
  }

  /** Stopping is reached from several states (and asked for again on the way out): move only once. */
  #enterStopping(): void {
    if (this.#state !== 'stopping') this.#moveTo('stopping');
  }

  #moveTo(next: ManagerState): void {
    if (!managerTransitions[this.#state].includes(next))
      throw new Error(`manager: no move from ${this.#state} to ${next}`);
    this.#parts.logger.debug({ from: this.#state, to: next }, 'manager state');
    this.#state = next;
  }
}
