/** The elector's loop: attempt to acquire or renew every retry period, and move between following and leading. */
import { isForbidden, isInvalid, isUnknownKind } from '@dsoi/client/errors';
import { delay } from '../internal/signals.js';
import { createLogger, type Logger } from '../logger.js';
import type { LeaderElector, LeaderElectorOptions } from './leaderElection.js';
import { callSafely, Leadership, masterStatusGauge } from './leadershipTerm.js';
import { type Attempt, LeaseLock } from './leaseLock.js';
import { LeaseObserver } from './leaseRecord.js';

/** {@link LeaderElectorOptions} with every default filled in and checked. */
export type ResolvedElectorOptions = LeaderElectorOptions &
  Required<
    Pick<LeaderElectorOptions, 'identity' | 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs' | 'releaseOnCancel'>
  >;

/** Up to this share of `retryPeriodMs` is added at random between two attempts to acquire. */
export const acquireJitter = 0.2;

/**
 * A {@link LeaderElector} in three run states (`idle` → `running` → `stopped`); while running, the replica is either
 * following or leading ({@link Leadership}), and each round asks the {@link LeaseLock} to acquire or renew.
 */
export class LeaseElector implements LeaderElector {
  readonly identity: string;
  #runState: 'idle' | 'running' | 'stopped' = 'idle';
  readonly #o: ResolvedElectorOptions;
  readonly #lease: string;
  readonly #log: Logger;
  readonly #observer: LeaseObserver;
  readonly #lock: LeaseLock;
  readonly #leadership: Leadership;
  readonly #gauge: { set(value: 0 | 1): void } | undefined;

  constructor(o: ResolvedElectorOptions) {
    const { identity, namespace, name } = o;
    this.#o = o;
    this.identity = identity;
    this.#lease = `Lease ${namespace}/${name}`;
    const log = (o.logger ?? createLogger()).child({ lease: `${namespace}/${name}`, identity });
    this.#log = log;
    const leaseDurationSeconds = Math.ceil(o.leaseDurationMs / 1000);
    this.#observer = new LeaseObserver(leaseDurationSeconds, (holder) => {
      if (holder !== identity) log.info({ leader: holder }, 'new leader observed');
      const { onNewLeader } = o;
      if (onNewLeader) callSafely(log, 'onNewLeader', () => onNewLeader(holder));
    });
    this.#lock = new LeaseLock({
      client: o.client,
      namespace,
      name,
      identity,
      leaseDurationSeconds,
      observer: this.#observer,
    });
    this.#gauge = o.registry && masterStatusGauge(o.registry, name);
    this.#leadership = new Leadership({
      renewDeadlineMs: o.renewDeadlineMs,
      lease: this.#lease,
      identity,
      log,
      onStartedLeading: o.onStartedLeading,
      onStoppedLeading: o.onStoppedLeading,
      gauge: this.#gauge,
    });
  }

  readonly start = async (signal: AbortSignal): Promise<void> => {
    if (this.#runState !== 'idle') throw new Error(`leader elector for ${this.#lease}: start() was already called`);
    this.#runState = 'running';
    this.#gauge?.set(0);
    try {
      await this.#run(signal);
    } catch (err) {
      this.#leadership.end('lost', err instanceof Error ? err.message : String(err));
      this.#log.error({ err }, 'leader election failed');
      throw err;
    } finally {
      this.#runState = 'stopped';
      this.#leadership.rejectWaiters(
        new Error(`leader elector for ${this.#lease} stopped before ${this.identity} became the leader`),
      );
    }
  };

  readonly isLeader = (): boolean => this.#leadership.current() !== undefined;

  readonly leader = (): string | undefined => this.#observer.holder() || undefined;

  readonly whenLeader = (signal?: AbortSignal): Promise<void> => {
    if (this.#leadership.current()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#runState === 'stopped') return Promise.reject(new Error(`leader elector for ${this.#lease} is stopped`));
    return this.#leadership.whenLeading(signal);
  };

  readonly leadingSignal = (): AbortSignal => this.#leadership.signal();

  async #run(signal: AbortSignal): Promise<void> {
    const { renewDeadlineMs, retryPeriodMs } = this.#o;
    while (!signal.aborted) {
      const result = await this.#attempt(signal);
      if (signal.aborted) break;
      // A renewal that answered after the deadline came too late: the term already ended (or must end now).
      if (result.outcome === 'leading' && performance.now() - result.at < renewDeadlineMs) {
        this.#leadership.renewed(result.at);
      } else if (result.outcome === 'held') {
        this.#leadership.end('lost', `the lease is held by ${this.#observer.holder()}`);
      }
      const leading = this.#leadership.open() !== undefined;
      await delay(leading ? retryPeriodMs : retryPeriodMs * (1 + acquireJitter * Math.random()), signal);
    }
    this.#leadership.end('stopped', 'the elector was stopped');
    // The cached Lease also says so when a write won just as the signal aborted, before a term began.
    if (this.#o.releaseOnCancel && this.#observer.heldBy(this.identity)) await this.#release();
  }

  /** One attempt, bounded by the open term's renew deadline (one request: the loop itself retries). */
  async #attempt(signal: AbortSignal): Promise<Attempt> {
    const term = this.#leadership.open();
    const { renewDeadlineMs } = this.#o;
    const timeoutMs = term ? term.renewedAt + renewDeadlineMs - performance.now() : renewDeadlineMs;
    const signals = term ? [signal, term.controller.signal] : [signal];
    try {
      const options = {
        signal: AbortSignal.any(signals),
        timeoutMs: Math.max(1, timeoutMs),
        retry: { maxAttempts: 1 },
      };
      return await this.#lock.tryAcquireOrRenew(term !== undefined, options);
    } catch (err) {
      if (isForbidden(err) || isUnknownKind(err) || isInvalid(err)) throw err;
      if (!signal.aborted) this.#log.warn({ err }, term ? 'failed to renew the lease' : 'failed to acquire the lease');
      return { outcome: 'failed' };
    }
  }

  /** client-go's `release`: empty the holder so a standby takes over at once (see `releaseOnCancel`). */
  async #release(): Promise<void> {
    try {
      if (await this.#lock.release({ timeoutMs: this.#o.renewDeadlineMs, retry: { maxAttempts: 1 } })) {
        this.#log.info({}, 'released the lease');
      }
    } catch (err) {
      const seconds = Math.ceil(this.#o.leaseDurationMs / 1000);
      this.#log.warn({ err }, `failed to release the lease; standbys take over after ${seconds} s`);
    }
  }
}
