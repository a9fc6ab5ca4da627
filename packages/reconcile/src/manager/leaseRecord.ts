/** The Lease record: its shape, the spec a candidate writes, and what one replica observed of it and when. */
import type { KubeObject } from '@dsoi/object';

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

/** A Kubernetes MicroTime: RFC 3339 in UTC with six fractional digits, e.g. `2026-11-25T20:30:00.123000Z`. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

/**
 * The spec `identity` writes to acquire or renew a Lease whose spec was `previous` (`undefined`: a new Lease):
 * `acquireTime` kept while it already held it, `leaseTransitions` counted up when the holder changes.
 */
export function acquiredLeaseSpec(
  previous: LeaseSpec | undefined,
  identity: string,
  leaseDurationSeconds: number,
  now: string,
): LeaseSpec {
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

/** The spec that gives a Lease up: no holder, and a one-second duration so a standby takes it at its next attempt. */
export function releasedLeaseSpec(previous: LeaseSpec | undefined, now: string): LeaseSpec {
  return { ...previous, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now };
}

/** The record as last seen, and when this replica saw it change (its own clock, not the writer's). */
interface Observation {
  readonly key: string;
  readonly holder: string;
  readonly durationMs: number;
  readonly at: number;
}

/**
 * What one replica knows of a Lease, as client-go's `observedRecord` and `observedTime`: expiry is measured from
 * when *this replica* saw the record change, so clock skew between replicas does not matter.
 */
export class LeaseObserver {
  /** The last Lease read or written: its `resourceVersion` guards the next write. */
  lease: Lease | undefined;
  #observed: Observation | undefined;
  #announced: string | undefined;

  /**
   * @param defaultDurationSeconds the duration assumed when a record has no `leaseDurationSeconds`.
   * @param onNewHolder called once per change of the observed holder to a non-empty identity.
   */
  readonly #defaultDurationSeconds: number;
  readonly #onNewHolder: (holder: string) => void;

  constructor(defaultDurationSeconds: number, onNewHolder: (holder: string) => void) {
    this.#defaultDurationSeconds = defaultDurationSeconds;
    this.#onNewHolder = onNewHolder;
  }

  /** Records `current` as the last seen Lease, and the time now when its record differs from the last one. */
  observe(current: Lease, now = performance.now()): void {
    this.lease = current;
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const key = JSON.stringify([
      holder,
      spec.leaseDurationSeconds,
      spec.acquireTime,
      spec.renewTime,
      spec.leaseTransitions,
    ]);
    if (key === this.#observed?.key) return;
    const durationMs = (spec.leaseDurationSeconds ?? this.#defaultDurationSeconds) * 1000;
    this.#observed = { key, holder, durationMs, at: now };
    if (holder !== '' && holder !== this.#announced) {
      this.#announced = holder;
      this.#onNewHolder(holder);
    }
  }

  /** The holder last seen, `''` when nobody holds it or nothing was read yet. */
  holder(): string {
    return this.#observed?.holder ?? '';
  }

  /** Whether someone other than `identity` holds the Lease and its duration has not run out since the last change. */
  heldByAnother(identity: string, now = performance.now()): boolean {
    const seen = this.#observed;
    return seen !== undefined && seen.holder !== '' && seen.holder !== identity && seen.at + seen.durationMs > now;
  }

  /** Whether the last Lease read or written names `identity` as its holder. */
  heldBy(identity: string): boolean {
    return this.lease?.spec?.holderIdentity === identity;
  }
}
