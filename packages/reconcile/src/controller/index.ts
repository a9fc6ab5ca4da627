/**
 * @dsoi/reconcile/controller: the parts of a controller below `createController`, for filtering events and tuning
 * retries by hand: predicates, the work queue and its rate limiters, queue keys, and the defaults and annotations
 * of status updates and finalizers.
 */

export { toMetaTime } from './conditions.js';
export { skipCleanupAnnotation } from './finalizer.js';
export { keyOf, parseKey } from './handlers.js';
export type { OperatorPredicateOptions } from './operatorPredicates.js';
export { operatorPredicates } from './operatorPredicates.js';
export type { NamespaceFilterOptions, ObjectEvent, Predicate, PredicateObject } from './predicates.js';
export {
  and,
  annotationsChanged,
  generationChanged,
  labelsChanged,
  namespaceFilter,
  not,
  notPaused,
  objectFilter,
  or,
  parseNamespaceList,
  pausedAnnotation,
  resourceVersionChanged,
} from './predicates.js';
export type { BucketOptions, DefaultRateLimiterOptions, ItemBackoffOptions, RateLimiter } from './rateLimiter.js';
export {
  createBucketRateLimiter,
  createDefaultRateLimiter,
  createItemBackoffRateLimiter,
  createMaxOfRateLimiter,
} from './rateLimiter.js';
export { updateStatusDefaults } from './updateStatus.js';
export type { WorkQueue, WorkQueueObserver, WorkQueueOptions } from './workQueue.js';
export { createWorkQueue } from './workQueue.js';
