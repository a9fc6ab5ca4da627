/** One reconcile of one key: filters, timeout, the reconciler's result mapped onto the queue, and metrics. */
import type { KubeObject } from '@dsoi/object';
import type { Informer } from '@dsoi/store';
import type { ChildCache } from '../children/childCache.js';
import { isTerminalError, ReconcileTimeoutError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ControllerMetrics } from '../manager/metrics.js';
import type { ReconcileFunction } from './controller.js';
import { parseKey } from './handlers.js';
import type { ReconcileResult } from './reconcileResult.js';
import type { WorkQueue } from './workQueue.js';

/** What a worker of one controller needs to reconcile a key. */
export interface KeyRun<TObject extends KubeObject> {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly reconcile: ReconcileFunction<TObject>;
  /** The predicates' object filters: a key whose object fails one is skipped (and forgotten). */
  readonly objectFilters: readonly ((object: TObject) => boolean)[];
  readonly log: Logger;
  readonly metrics: ControllerMetrics | undefined;
  readonly reconcileTimeoutMs: number | undefined;
  /** The primary kind's informer, once the controller started. */
  primary(): Informer<TObject> | undefined;
  cache(): ChildCache;
}

/**
 * Reconciles `key` once and tells the queue what comes next: forget it on success (and `requeueAfter` or `requeue`
 * as the result asks), retry with backoff on an error, forget it on a terminal error; always `done`.
 */
export async function reconcileKey<TObject extends KubeObject>(
  run: KeyRun<TObject>,
  key: string,
  stop: AbortSignal,
): Promise<void> {
  const { name, queue, metrics, reconcileTimeoutMs } = run;
  const request = parseKey(key);
  const object = run.primary()?.get(request.name, request.namespace);
  const keyLog = run.log.child({ key });
  if (object && !run.objectFilters.every((filter) => filter(object as TObject))) {
    // Filters hold inside the reconcile too, so a periodic requeue cannot slip past a pause or a deny list.
    keyLog.debug({}, 'skipped: an object filter refuses it');
    queue.forget(key);
    queue.done(key);
    return;
  }
  const started = performance.now();
  const controller = new AbortController();
  const signal = AbortSignal.any([stop, controller.signal]);
  const timer = reconcileTimeoutMs === undefined ? undefined : setTimeout(() => controller.abort(), reconcileTimeoutMs);
  metrics?.activeWorkers.inc({ controller: name });
  try {
    const context = { request, object, signal, retries: queue.retries(key), log: keyLog, cache: run.cache() };
    const running = Promise.resolve(run.reconcile(context));
    const result = await (timer === undefined
      ? running
      : raceTimeout(running, controller.signal, name, key, reconcileTimeoutMs!));
    queue.forget(key);
    const outcome = applyResult(queue, result ?? undefined, key);
    metrics?.reconcileTotal.inc({ controller: name, result: outcome });
  } catch (err) {
    metrics?.reconcileErrors.inc({ controller: name });
    if (isTerminalError(err)) {
      // Not retried until the object changes: the next watch event enqueues it again.
      queue.forget(key);
      metrics?.terminalErrors.inc({ controller: name });
      metrics?.reconcileTotal.inc({ controller: name, result: 'error' });
      keyLog.error({ err }, 'reconcile failed with a terminal error; not retried until the object changes');
    } else if (!stop.aborted) {
      metrics?.reconcileTotal.inc({ controller: name, result: 'error' });
      keyLog.warn({ err, retries: queue.retries(key) }, 'reconcile failed; retrying with backoff');
      queue.addRateLimited(key);
    }
  } finally {
    clearTimeout(timer);
    metrics?.activeWorkers.dec({ controller: name });
    metrics?.reconcileTime.observe({ controller: name }, (performance.now() - started) / 1000);
    queue.done(key);
  }
}

/** Queues what the result asks for; returns the `result` label of `controller_runtime_reconcile_total`. */
function applyResult(queue: WorkQueue, result: ReconcileResult | undefined, key: string): string {
  if (result === undefined || result.action === 'done') return 'success';
  if (result.action === 'requeueAfter') {
    queue.addAfter(key, result.delayMs);
    return 'requeue_after';
  }
  queue.addRateLimited(key);
  return 'requeue';
}

function raceTimeout<T>(run: Promise<T>, timeout: AbortSignal, name: string, key: string, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onTimeout = () => reject(new ReconcileTimeoutError(name, key, ms));
    timeout.addEventListener('abort', onTimeout, { once: true });
    run.then(resolve, reject).finally(() => timeout.removeEventListener('abort', onTimeout));
  });
}
