/** @dsoi/store: informer cache for Kubernetes objects: list+watch that never silently stops, indexes, shared informers. */

// Cache reads: list filters, the cache key, and the client's Reader served from a factory's informers
export type { CacheListOptions, LabelSelector } from './cache.js';
export { objectKey } from './cache.js';
export type { InformerSource } from './cacheReader.js';
export { createCacheReader } from './cacheReader.js';
// Errors
export type { StoreErrorReason } from './errors.js';
export { isStoreError, StoreError } from './errors.js';
// Indexes
export type { IndexFunction } from './indexer.js';
// Informer: list + watch into an indexed cache, its options, handlers and counters
export type {
  HandlerErrorInfo,
  Informer,
  InformerClient,
  InformerErrorInfo,
  InformerEventHandlers,
  InformerOptions,
  InformerStats,
} from './informer.js';
export { createInformer, informerDefaults } from './informer.js';
// Shared informers: one per (kind, namespace, selectors), reference-counted
export type {
  InformerLookup,
  SharedInformerHandle,
  SharedInformerOptions,
  StoreFactory,
  StoreFactoryOptions,
} from './storeFactory.js';
export { createStoreFactory } from './storeFactory.js';
