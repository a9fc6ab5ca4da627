/** Lease-based leader election on a `coordination.k8s.io/v1` Lease, with client-go's `leaderelection` semantics. */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client, KubeObject, RequestOptions } from '@dsoi/client';
import { isAlreadyExists, isConflict, isForbidden, isInvalid, isNotFound, isUnknownKind } from '@dsoi/client/errors';
import { Gauge, type Registry } from 'prom-client';
import { delay } from '../internal/signals.js';
import { createLogger, type Logger } from '../logger.js';

/** The `spec` of a `coordination.k8s.io/v1` Lease; times are MicroTime strings (RFC 3339 with microseconds). */
export interface LeaseSpec {
  /** Who holds the lease; `''` (or absent) when nobody does. */
  readonly holderIdentity?: string;
  /** How long others wait, from when they see the last change, before they may take the lease. */
  readonly leaseDurationSeconds?: number;
  readonly acquireTime?: string;
  readonly renewTime?: string;
  /** How many times the holder changed. */
  readonly leaseTransitions?: number;
}

/** A `coordination.k8s.io/v1` Lease, as the elector reads and writes it. */
export interface Lease extends KubeObject {
  readonly spec?: LeaseSpec;
}

/** The client calls the elector makes (a `@dsoi/client` `Client` fits; tests pass an in-memory fake). */
export type LeaseClient = Pick<Client, 'get' | 'create' | 'replace'>;

/** Why a term of leadership ended: `'lost'` (renewal failed or another holder took over) or `'stopped'` (aborted). */
export type LeadershipEndReason = 'lost' | 'stopped';

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

/** A term of leadership. */
interface Term {
  readonly controller: AbortController;
  /** When the last successful renewal was sent (`performance.now()`). */
  renewedAt: number;
  /** Ends the term `renewDeadlineMs` after `renewedAt`, even if a renewal request hangs. */
  deadline?: NodeJS.Timeout;
}

/** The Lease record as last observed, and when we observed it change (our clock, not the writer's). */
interface Observation {
  readonly key: string;
  readonly holder: string;
  readonly durationMs: number;
  readonly at: number;
}

/** What one attempt to acquire or renew found. */
type Attempt = { readonly outcome: 'leading'; readonly at: number } | { readonly outcome: 'held' | 'failed' };

const leaseType = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;
const jitterFactor = 0.2;

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
export function createLeaderElector({
  client,
  name,
  namespace,
  identity = `${hostname()}_${randomUUID()}`,
  leaseDurationMs = leaderElectionDefaults.leaseDurationMs,
  renewDeadlineMs = leaderElectionDefaults.renewDeadlineMs,
  retryPeriodMs = leaderElectionDefaults.retryPeriodMs,
  releaseOnCancel = leaderElectionDefaults.releaseOnCancel,
  onStartedLeading,
  onStoppedLeading,
  onNewLeader,
  logger,
  registry,
}: LeaderElectorOptions): LeaderElector {
  checkOptions({ name, namespace, identity, leaseDurationMs, renewDeadlineMs, retryPeriodMs });
  const ref = { ...leaseType, namespace, name };
  const leaseDurationSeconds = Math.ceil(leaseDurationMs / 1000);
  const log = (logger ?? createLogger()).child({ lease: `${namespace}/${name}`, identity });
  const status = registry && masterStatusGauge(registry);
  const waiters = new Set<{ resolve: () => void; reject: (reason: unknown) => void }>();
  let state: 'idle' | 'running' | 'stopped' = 'idle';
  let observed: Observation | undefined;
  let reportedLeader: string | undefined;
  let lease: Lease | undefined; // the last Lease read or written: its resourceVersion guards the next write
  let term: Term | undefined;
  let notLeading: AbortSignal | undefined;

  function safely(what: string, fn: () => void | Promise<void>): void {
    try {
      Promise.resolve(fn()).catch((err: unknown) => log.error({ err }, `${what} failed`));
    } catch (err) {
      log.error({ err }, `${what} failed`);
    }
  }

  function observe(current: Lease): void {
    lease = current;
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const key = JSON.stringify([
      holder,
      spec.leaseDurationSeconds,
      spec.acquireTime,
      spec.renewTime,
      spec.leaseTransitions,
    ]);
    if (key === observed?.key) return;
    // client-go's observedTime: expiry is measured from when *we* saw the record change, so clock skew between
    // replicas does not matter.
    const durationMs = (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
    observed = { key, holder, durationMs, at: performance.now() };
    if (holder !== '' && holder !== reportedLeader) {
      reportedLeader = holder;
      if (holder !== identity) log.info({ leader: holder }, 'new leader observed');
      if (onNewLeader) safely('onNewLeader', () => onNewLeader(holder));
    }
  }

  function specFor(previous: LeaseSpec | undefined, now: string): LeaseSpec {
    const ours = previous?.holderIdentity === identity;
    return {
      ...previous,
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: ours && previous?.acquireTime ? previous.acquireTime : now,
      renewTime: now,
      leaseTransitions: (previous?.leaseTransitions ?? 0) + (ours || previous === undefined ? 0 : 1),
    };
  }

  async function write(current: Lease, spec: LeaseSpec, options: RequestOptions): Promise<void> {
    observe(await client.replace<Lease>({ ...current, spec }, options));
  }

  /** One round of client-go's `tryAcquireOrRenew`. Throws only what the caller must see (fatal or unexpected). */
  async function tryAcquireOrRenew(options: RequestOptions): Promise<Attempt> {
    const at = performance.now();
    const now = microTime(new Date());
    // Fast path while leading: write over the Lease we wrote last; a conflict means someone else wrote, so re-read.
    if (term && lease?.spec?.holderIdentity === identity) {
      try {
        await write(lease, specFor(lease.spec, now), options);
        return { outcome: 'leading', at };
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
    let current: Lease;
    try {
      current = await client.get<Lease>(ref, options);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        const spec = specFor(undefined, now);
        observe(await client.create<Lease>({ ...leaseType, metadata: { name, namespace }, spec }, options));
        return { outcome: 'leading', at };
      } catch (createErr) {
        if (isAlreadyExists(createErr)) return { outcome: 'failed' };
        throw createErr;
      }
    }
    observe(current);
    const holder = observed?.holder ?? '';
    if (holder !== '' && holder !== identity && observed && observed.at + observed.durationMs > performance.now()) {
      return { outcome: 'held' };
    }
    try {
      await write(current, specFor(current.spec, now), options);
      return { outcome: 'leading', at };
    } catch (err) {
      if (isConflict(err)) return { outcome: 'failed' };
      throw err;
    }
  }

  function beginTerm(at: number): void {
    const controller = new AbortController();
    term = { controller, renewedAt: at };
    armDeadline(term);
    status?.set({ name }, 1);
    log.info({}, 'became the leader');
    for (const waiter of waiters) waiter.resolve();
    waiters.clear();
    if (onStartedLeading) safely('onStartedLeading', () => onStartedLeading(controller.signal));
  }

  /**
   * The open term, if its renew deadline has not passed. A timer ends the term at the deadline, but a paused process
   * runs its pending I/O callbacks (and the writes they start) before its timers when it resumes, so every check of
   * leadership reads the clock as client-go's `renewDeadline` check does.
   */
  function currentTerm(): Term | undefined {
    if (term && performance.now() - term.renewedAt >= renewDeadlineMs) {
      endTerm('lost', `no successful renewal for ${renewDeadlineMs} ms, found by a leadership check before the timer`);
    }
    return term;
  }

  function armDeadline(current: Term): void {
    clearTimeout(current.deadline);
    const remainingMs = current.renewedAt + renewDeadlineMs - performance.now();
    current.deadline = setTimeout(
      () => endTerm('lost', `no successful renewal for ${renewDeadlineMs} ms`),
      remainingMs,
    );
  }

  function endTerm(reason: LeadershipEndReason, why: string): void {
    const ended = term;
    if (!ended) return;
    term = undefined;
    clearTimeout(ended.deadline);
    status?.set({ name }, 0);
    if (reason === 'lost') log.warn({ reason: why }, 'lost leadership');
    else log.info({}, 'stopped leading');
    ended.controller.abort(
      new Error(`leader election on Lease ${namespace}/${name}: ${identity} stopped leading: ${why}`),
    );
    if (onStoppedLeading) safely('onStoppedLeading', () => onStoppedLeading(reason));
  }

  async function attempt(signal: AbortSignal): Promise<Attempt> {
    const current = term;
    const timeoutMs = current ? current.renewedAt + renewDeadlineMs - performance.now() : renewDeadlineMs;
    const signals = current ? [signal, current.controller.signal] : [signal];
    try {
      // One attempt per round: the loop itself retries, within the renew deadline.
      const options = {
        signal: AbortSignal.any(signals),
        timeoutMs: Math.max(1, timeoutMs),
        retry: { maxAttempts: 1 },
      };
      return await tryAcquireOrRenew(options);
    } catch (err) {
      if (isForbidden(err) || isUnknownKind(err) || isInvalid(err)) throw err;
      if (!signal.aborted) log.warn({ err }, current ? 'failed to renew the lease' : 'failed to acquire the lease');
      return { outcome: 'failed' };
    }
  }

  async function run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const result = await attempt(signal);
      if (signal.aborted) break;
      // A renewal that answered after the deadline came too late: the term already ended (or must end now).
      if (result.outcome === 'leading' && performance.now() - result.at < renewDeadlineMs) {
        const open = currentTerm();
        if (open) {
          open.renewedAt = result.at;
          armDeadline(open);
        } else beginTerm(result.at);
      } else if (result.outcome === 'held') {
        endTerm('lost', `the lease is held by ${observed?.holder}`);
      }
      const waitMs = term ? retryPeriodMs : retryPeriodMs * (1 + jitterFactor * Math.random());
      await delay(waitMs, signal);
    }
    endTerm('stopped', 'the elector was stopped');
    // The cached Lease also says so when a write won just as the signal aborted, before a term began.
    if (releaseOnCancel && lease?.spec?.holderIdentity === identity) await release();
  }

  /** client-go's `release`: empty the holder so a standby takes over at once (see `releaseOnCancel`). */
  async function release(): Promise<void> {
    const options = { timeoutMs: renewDeadlineMs, retry: { maxAttempts: 1 } };
    try {
      const current = await client.get<Lease>(ref, options);
      if (current.spec?.holderIdentity !== identity) return;
      const now = microTime(new Date());
      await write(
        current,
        { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
        options,
      );
      log.info({}, 'released the lease');
    } catch (err) {
      log.warn({ err }, `failed to release the lease; standbys take over after ${leaseDurationSeconds} s`);
    }
  }

  return {
    identity,
    async start(signal) {
      if (state !== 'idle')
        throw new Error(`leader elector for Lease ${namespace}/${name}: start() was already called`);
      state = 'running';
      status?.set({ name }, 0);
      try {
        await run(signal);
      } catch (err) {
        endTerm('lost', err instanceof Error ? err.message : String(err));
        log.error({ err }, 'leader election failed');
        throw err;
      } finally {
        state = 'stopped';
        const stopped = new Error(
          `leader elector for Lease ${namespace}/${name} stopped before ${identity} became the leader`,
        );
        for (const waiter of waiters) waiter.reject(stopped);
        waiters.clear();
      }
    },
    isLeader: () => currentTerm() !== undefined,
    leader: () => (observed?.holder ? observed.holder : undefined),
    whenLeader(signal) {
      if (currentTerm()) return Promise.resolve();
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (state === 'stopped')
        return Promise.reject(new Error(`leader elector for Lease ${namespace}/${name} is stopped`));
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          waiters.delete(waiter);
          reject(signal?.reason);
        };
        const waiter = {
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          reject: (reason: unknown) => {
            signal?.removeEventListener('abort', onAbort);
            reject(reason);
          },
        };
        waiters.add(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    leadingSignal() {
      const open = currentTerm();
      if (open) return open.controller.signal;
      notLeading ??= AbortSignal.abort(new Error(`${identity} does not lead Lease ${namespace}/${name}`));
      return notLeading;
    },
  };
}

/** A Kubernetes MicroTime: RFC 3339 in UTC with six fractional digits, e.g. `2026-11-25T20:30:00.123000Z`. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

/** client-go's `leader_election_master_status` gauge, shared by the electors of one registry. */
function masterStatusGauge(registry: Registry): Gauge<'name'> {
  const metricName = 'leader_election_master_status';
  const existing = registry.getSingleMetric(metricName);
  if (existing instanceof Gauge) return existing as Gauge<'name'>;
  return new Gauge({
    name: metricName,
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.',
    labelNames: ['name'],
    registers: [registry],
  });
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
  if (!(o.renewDeadlineMs > (1 + jitterFactor) * o.retryPeriodMs)) {
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
