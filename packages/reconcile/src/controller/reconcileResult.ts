/** What a reconcile returns: done, or come back later. Errors are thrown, not returned. */

/** The outcome of a successful reconcile. */
export type ReconcileResult =
  | { readonly action: 'done' }
  | { readonly action: 'requeueAfter'; readonly delayMs: number }
  | { readonly action: 'requeue' };

/** Converged: nothing to do until the next event. */
export function done(): ReconcileResult {
  return { action: 'done' };
}

/** Reconcile this object again after `delayMs` (a periodic check, a rollout waiting on readiness). */
export function requeueAfter(delayMs: number): ReconcileResult {
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`requeueAfter: ${delayMs} is not a delay in ms`);
  return { action: 'requeueAfter', delayMs };
}

/** Reconcile again soon, through the rate limiter (backoff without an error). */
export function requeue(): ReconcileResult {
  return { action: 'requeue' };
}
