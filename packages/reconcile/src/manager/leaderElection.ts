/** Lease-based leader election on a `coordination.k8s.io/v1` Lease, with client-go's `leaderelection` semantics. */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { LeadershipEndReason } from './leadershipTerm.js';
import { acquireJitter, LeaseElector } from './leaseElector.js';
import type { LeaseClient } from './leaseLock.js';

export type { LeadershipEndReason } from './leadershipTerm.js';
export type { LeaseClient } from './leaseLock.js';
export type { Lease, LeaseSpec } from './leaseRecord.js';

/** Options of {@link createLeaderElector}. */
export interface LeaderElectorOptions {
  /** Reads and writes the Lease (needs get, create and update on `leases` in `namespace`). */
  readonly client: LeaseClient;
  /** The Lease name, shared by every replica of the operator, e.g. `pinot-operator-leader`. */
  readonly name: string;
  /** The Lease namespace, usually the operator's own. */
  readonly namespace: string;
  /**
   * This replica's identity, written to `spec.holderIdentity`. It must be unique per process: two processes with the
   * same identity both lead. @default `<hostname>_<random UUID>` (as controller-runtime)
   */
  readonly identity?: string;
  /**
   * How long standbys wait, from when they last saw the Lease change, before taking it over; written (rounded up to
   * whole seconds) to `spec.leaseDurationSeconds`. @default 15_000
   */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it gives up leading; must be below `leaseDurationMs`. @default 10_000 */
  readonly renewDeadlineMs?: number;
  /** Time between two attempts to acquire (plus up to 20% jitter) or renew. @default 2_000 */
  readonly retryPeriodMs?: number;
  /**
   * On abort, empty `holderIdentity` (and set `leaseDurationSeconds` to 1) so a standby takes over at its next
   * attempt instead of after `leaseDurationMs`. @default true
   *
   * Caveat: abort the elector only after the leader-only work has stopped, or two replicas may briefly both act.
   */
  readonly releaseOnCancel?: boolean;
  /** Called when this replica starts leading, with the term's signal (aborted when the term ends). @default none */
  readonly onStartedLeading?: (signal: AbortSignal) => void | Promise<void>;
  /** Called when a term of this replica ends (only after `onStartedLeading`). @default none */
  readonly onStoppedLeading?: (reason: LeadershipEndReason) => void;
  /** Called when the observed holder changes to a non-empty identity (this replica's included). @default none */
  readonly onNewLeader?: (identity: string) => void;
  /** @default a pino JSON logger */
  readonly logger?: Logger;
  /** Registers `leader_election_master_status{name}` (1 while leading, else 0) here. @default no metrics */
  readonly registry?: Registry;
}

/** The defaults of {@link LeaderElectorOptions}, as client-go and controller-runtime choose them. */
export const leaderElectionDefaults = Object.freeze({
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  releaseOnCancel: true,
});

/** Takes part in the election of one Lease. */
export interface LeaderElector {
  /** The identity this elector writes to the Lease. */
  readonly identity: string;
  /**
   * Runs the election: tries to acquire the Lease every `retryPeriodMs`, then renews it while leading. A term ends
   * when renewal fails for `renewDeadlineMs` or another holder is seen; the elector then goes back to trying to
   * acquire. Resolves after `signal` aborts and the Lease is released (`releaseOnCancel`).
   *
   * Errors: rejects when the API refuses for good (`ForbiddenError`: missing RBAC; `UnknownKindError`; `InvalidError`)
   * and, when called twice, with an `Error`. Other failures are logged and retried.
   */
  start(signal: AbortSignal): Promise<void>;
  /**
   * Whether this replica leads now: a term is open and its last successful renewal is less than `renewDeadlineMs`
   * old. The clock is read on every call, so the answer turns `false` at the deadline even when the timer that ends
   * the term has not fired yet (the process was paused: SIGSTOP, a long GC pause, a frozen VM); the term then ends at
   * once. Check it right before every write that only the leader may make (the manager's client does).
   */
  isLeader(): boolean;
  /** The holder last seen on the Lease, `undefined` when nobody holds it (or before the first read). */
  leader(): string | undefined;
  /**
   * Resolves once this replica leads (at once if it does). Rejects with `signal`'s reason when it aborts, and with an
   * `Error` when the elector stops before leading.
   */
  whenLeader(signal?: AbortSignal): Promise<void>;
  /** The signal of the current term, aborted when it ends; an already-aborted signal when not leading. */
  leadingSignal(): AbortSignal;
}

/**
 * The lease was lost (or its renew deadline passed) while leading: the leader-only work stopped, and a write made
 * after that was refused. A process should exit and restart as a standby.
 */
export class LeaderElectionLostError extends Error {
  override readonly name = 'LeaderElectionLostError';
}

/**
 * Creates a {@link LeaderElector} for the Lease `namespace/name`, like client-go's `leaderelection.LeaderElector`:
 * a holder that has not renewed for `leaseDurationSeconds`, as measured on this replica's clock from when it saw the
 * last change, may be replaced; writes use the observed `resourceVersion`, so of two candidates only one wins.
 *
 * Guarantees: this replica stops leading (the leading signal aborts) within `renewDeadlineMs` of its last
 * successful renewal, before any standby may take over (`leaseDurationMs` from its last sight of a change).
 *
 * @throws RangeError unless `leaseDurationMs > renewDeadlineMs > 1.2 × retryPeriodMs > 0`, and when `name`,
 *   `namespace` or `identity` is empty.
 */
export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  const resolved = {
    ...options,
    identity: options.identity ?? `${hostname()}_${randomUUID()}`,
    leaseDurationMs: options.leaseDurationMs ?? leaderElectionDefaults.leaseDurationMs,
    renewDeadlineMs: options.renewDeadlineMs ?? leaderElectionDefaults.renewDeadlineMs,
    retryPeriodMs: options.retryPeriodMs ?? leaderElectionDefaults.retryPeriodMs,
    releaseOnCancel: options.releaseOnCancel ?? leaderElectionDefaults.releaseOnCancel,
  };
  checkOptions(resolved);
  return new LeaseElector(resolved);
}

function checkOptions(o: {
  name: string;
  namespace: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}): void {
  for (const field of ['name', 'namespace', 'identity'] as const) {
    if (o[field] === '') throw new RangeError(`createLeaderElector: ${field} must not be empty`);
  }
  if (!(o.retryPeriodMs > 0))
    throw new RangeError(`createLeaderElector: retryPeriodMs must be > 0 (got ${o.retryPeriodMs})`);
  if (!(o.renewDeadlineMs > (1 + acquireJitter) * o.retryPeriodMs)) {
    throw new RangeError(
      `createLeaderElector: renewDeadlineMs (${o.renewDeadlineMs}) must exceed 1.2 × retryPeriodMs (${o.retryPeriodMs})`,
    );
  }
  if (!(o.leaseDurationMs > o.renewDeadlineMs)) {
    throw new RangeError(
      `createLeaderElector: leaseDurationMs (${o.leaseDurationMs}) must exceed renewDeadlineMs (${o.renewDeadlineMs})`,
    );
  }
}
