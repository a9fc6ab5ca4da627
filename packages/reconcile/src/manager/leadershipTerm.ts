/** The role of one replica in an election: following, or leading in a term that ends at its renew deadline. */
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';

/** Why a term of leadership ended: `'lost'` (renewal failed or another holder took over) or `'stopped'` (aborted). */
export type LeadershipEndReason = 'lost' | 'stopped';

/** A term of leadership. */
interface Term {
  readonly controller: AbortController;
  /** When the last successful renewal was sent (`performance.now()`). */
  renewedAt: number;
  /** Ends the term `renewDeadlineMs` after `renewedAt`, even if a renewal request hangs. */
  deadline?: NodeJS.Timeout;
}

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
}

/** What a {@link Leadership} reports to. */
export interface LeadershipOptions {
  /** A term ends this long after its last successful renewal. */
  readonly renewDeadlineMs: number;
  /** The Lease, as errors name it: `Lease <namespace>/<name>`. */
  readonly lease: string;
  /** This replica's identity, as errors name it. */
  readonly identity: string;
  readonly log: Logger;
  readonly onStartedLeading?: ((signal: AbortSignal) => void | Promise<void>) | undefined;
  readonly onStoppedLeading?: ((reason: LeadershipEndReason) => void) | undefined;
  /** Set to 1 while leading, 0 otherwise. */
  readonly gauge?: { set(value: 0 | 1): void } | undefined;
}

/**
 * The two states of a replica, following (no term) and leading (an open term), and the moves between them:
 * {@link renewed} begins or extends a term, {@link end} closes it. An open term's signal aborts when it ends.
 */
export class Leadership {
  #term: Term | undefined;
  #notLeading: AbortSignal | undefined;
  readonly #waiters = new Set<Waiter>();

  readonly #o: LeadershipOptions;

  constructor(options: LeadershipOptions) {
    this.#o = options;
  }

  /** The open term as it stands, without checking its deadline (the attempt loop's view). */
  open(): Term | undefined {
    return this.#term;
  }

  /**
   * The open term, if its renew deadline has not passed. A timer ends the term at the deadline, but a paused process
   * runs its pending I/O callbacks (and the writes they start) before its timers when it resumes, so every check of
   * leadership reads the clock as client-go's `renewDeadline` check does.
   */
  current(now = performance.now()): Term | undefined {
    const term = this.#term;
    if (term && now - term.renewedAt >= this.#o.renewDeadlineMs) {
      this.end(
        'lost',
        `no successful renewal for ${this.#o.renewDeadlineMs} ms, found by a leadership check before the timer`,
      );
    }
    return this.#term;
  }

  /** A successful acquire or renew sent at `at`: extends the open term, or begins one. */
  renewed(at: number): void {
    const open = this.current();
    if (open) {
      open.renewedAt = at;
      this.#arm(open);
      return;
    }
    const controller = new AbortController();
    const term: Term = { controller, renewedAt: at };
    this.#term = term;
    this.#arm(term);
    this.#o.gauge?.set(1);
    this.#o.log.info({}, 'became the leader');
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters.clear();
    const { onStartedLeading } = this.#o;
    if (onStartedLeading) callSafely(this.#o.log, 'onStartedLeading', () => onStartedLeading(controller.signal));
  }

  /** Ends the open term, if any: its signal aborts with `why`, and `onStoppedLeading` hears `reason`. */
  end(reason: LeadershipEndReason, why: string): void {
    const ended = this.#term;
    if (!ended) return;
    this.#term = undefined;
    clearTimeout(ended.deadline);
    this.#o.gauge?.set(0);
    if (reason === 'lost') this.#o.log.warn({ reason: why }, 'lost leadership');
    else this.#o.log.info({}, 'stopped leading');
    ended.controller.abort(
      new Error(`leader election on ${this.#o.lease}: ${this.#o.identity} stopped leading: ${why}`),
    );
    const { onStoppedLeading } = this.#o;
    if (onStoppedLeading) callSafely(this.#o.log, 'onStoppedLeading', () => onStoppedLeading(reason));
  }

  /** The signal of the current term; an already-aborted signal when not leading. */
  signal(): AbortSignal {
    const open = this.current();
    if (open) return open.controller.signal;
    this.#notLeading ??= AbortSignal.abort(new Error(`${this.#o.identity} does not lead ${this.#o.lease}`));
    return this.#notLeading;
  }

  /** Resolves when a term begins; rejects with `signal`'s reason when it aborts first, or by {@link rejectWaiters}. */
  whenLeading(signal?: AbortSignal): Promise<void> {
    if (this.current()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#waiters.delete(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (reason) => {
          signal?.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Rejects every pending {@link whenLeading} with `reason` (the elector stopped before leading). */
  rejectWaiters(reason: Error): void {
    for (const waiter of this.#waiters) waiter.reject(reason);
    this.#waiters.clear();
  }

  #arm(term: Term): void {
    clearTimeout(term.deadline);
    const remainingMs = term.renewedAt + this.#o.renewDeadlineMs - performance.now();
    term.deadline = setTimeout(
      () => this.end('lost', `no successful renewal for ${this.#o.renewDeadlineMs} ms`),
      remainingMs,
    );
  }
}

/** Runs a user callback so that neither its throw nor its rejection escapes; both are logged. */
export function callSafely(log: Logger, what: string, fn: () => void | Promise<void>): void {
  try {
    Promise.resolve(fn()).catch((err: unknown) => log.error({ err }, `${what} failed`));
  } catch (err) {
    log.error({ err }, `${what} failed`);
  }
}

/** client-go's `leader_election_master_status` gauge for Lease `name`, shared by the electors of one registry. */
export function masterStatusGauge(registry: Registry, name: string): { set(value: 0 | 1): void } {
  const metricName = 'leader_election_master_status';
  const existing = registry.getSingleMetric(metricName);
  const gauge =
    existing instanceof Gauge
      ? (existing as Gauge<'name'>)
      : new Gauge({
          name: metricName,
          help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.',
          labelNames: ['name'],
          registers: [registry],
        });
  return { set: (value) => gauge.set({ name }, value) };
}
