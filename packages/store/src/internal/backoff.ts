/** The informer's reconnect delays (the client's jittered exponential backoff) and its abortable pause (the client's sleep). */
import { backoffDelayMs, sleep } from '@dsoi/client';

/** The bounds of the informer's reconnect delays. */
export interface ReconnectBackoffOptions {
  /** The base delay of the first retry; every delay is at least this (or `maxMs` when that is lower). */
  readonly initialMs: number;
  /** No delay is longer than this. */
  readonly maxMs: number;
  /** Source of randomness in [0, 1). */
  readonly random: () => number;
}

/**
 * Delay before retry `failures` (1 for the first): `initialMs * 2^(failures-1)`, plus up to as much again at random,
 * so delays never fall below the base and retries of many informers spread out: the client's `backoffDelayMs` from
 * twice the base with half of it random. Capped at `maxMs`, where delays spread over its upper half (never below
 * `initialMs`).
 * With the defaults: 0.8-1.6 s, 1.6-3.2 s, ..., then 15-30 s.
 */
export function reconnectDelayMs(failures: number, { initialMs, maxMs, random }: ReconnectBackoffOptions): number {
  const policy = { initialDelayMs: 2 * initialMs, maxDelayMs: maxMs, factor: 2, jitter: 0.5 };
  return Math.max(Math.min(initialMs, maxMs), backoffDelayMs(failures, policy, random));
}

/** Resolves after `ms`, or at once (without rejecting) when `signal` aborts: the client's `sleep`, its abort swallowed. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, signal).catch(() => undefined);
}
