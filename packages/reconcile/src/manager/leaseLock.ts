/** One round of client-go's `tryAcquireOrRenew` and its `release`, on one Lease, through the client. */
import type { Client, RequestOptions } from '@dsoi/client';
import { isAlreadyExists, isConflict, isNotFound } from '@dsoi/client/errors';
import {
  acquiredLeaseSpec,
  type Lease,
  type LeaseObserver,
  type LeaseSpec,
  microTime,
  releasedLeaseSpec,
} from './leaseRecord.js';

/** The client calls the elector makes (a `@dsoi/client` `Client` fits; tests pass an in-memory fake). */
export type LeaseClient = Pick<Client, 'get' | 'create' | 'replace'>;

/**
 * What one attempt found: `'leading'` (this replica wrote the Lease; `at` is when the attempt began), `'held'` (a
 * live holder is someone else) or `'failed'` (another candidate won the write race).
 */
export type Attempt = { readonly outcome: 'leading'; readonly at: number } | { readonly outcome: 'held' | 'failed' };

/** What a {@link LeaseLock} works on. */
export interface LeaseLockOptions {
  readonly client: LeaseClient;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationSeconds: number;
  /** Every Lease read or written goes through it. */
  readonly observer: LeaseObserver;
}

const leaseType = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;

/** Reads and writes the Lease; every write is guarded by the `resourceVersion` last seen, so of two candidates one wins. */
export class LeaseLock {
  readonly #o: LeaseLockOptions;

  constructor(options: LeaseLockOptions) {
    this.#o = options;
  }

  /**
   * One attempt to acquire the Lease, or to renew it while `leading`. Throws only what the caller must see (fatal or
   * unexpected errors); a lost write race is `'failed'`.
   */
  async tryAcquireOrRenew(leading: boolean, options: RequestOptions): Promise<Attempt> {
    const at = performance.now();
    const now = microTime(new Date());
    const { observer, identity } = this.#o;
    // Fast path while leading: write over the Lease we wrote last; a conflict means someone else wrote, so re-read.
    if (leading && observer.lease && observer.heldBy(identity)) {
      try {
        await this.#write(observer.lease, this.#spec(observer.lease.spec, now), options);
        return { outcome: 'leading', at };
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
    const current = await this.#read(options);
    if (current === undefined) return this.#create(now, at, options);
    observer.observe(current);
    if (observer.heldByAnother(identity)) return { outcome: 'held' };
    try {
      await this.#write(current, this.#spec(current.spec, now), options);
      return { outcome: 'leading', at };
    } catch (err) {
      if (isConflict(err)) return { outcome: 'failed' };
      throw err;
    }
  }

  /** Empties the holder if it is still this replica; returns whether it did. Throws what the API server answered. */
  async release(options: RequestOptions): Promise<boolean> {
    const current = await this.#o.client.get<Lease>(this.#ref(), options);
    if (current.spec?.holderIdentity !== this.#o.identity) return false;
    await this.#write(current, releasedLeaseSpec(current.spec, microTime(new Date())), options);
    return true;
  }

  #ref() {
    return { ...leaseType, namespace: this.#o.namespace, name: this.#o.name };
  }

  #spec(previous: LeaseSpec | undefined, now: string): LeaseSpec {
    return acquiredLeaseSpec(previous, this.#o.identity, this.#o.leaseDurationSeconds, now);
  }

  /** The Lease, or `undefined` when it does not exist. */
  async #read(options: RequestOptions): Promise<Lease | undefined> {
    try {
      return await this.#o.client.get<Lease>(this.#ref(), options);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async #create(now: string, at: number, options: RequestOptions): Promise<Attempt> {
    const { namespace, name } = this.#o;
    try {
      const spec = this.#spec(undefined, now);
      this.#o.observer.observe(
        await this.#o.client.create<Lease>({ ...leaseType, metadata: { name, namespace }, spec }, options),
      );
      return { outcome: 'leading', at };
    } catch (err) {
      if (isAlreadyExists(err)) return { outcome: 'failed' };
      throw err;
    }
  }

  async #write(current: Lease, spec: LeaseSpec, options: RequestOptions): Promise<void> {
    this.#o.observer.observe(await this.#o.client.replace<Lease>({ ...current, spec }, options));
  }
}
