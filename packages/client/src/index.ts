/**
 * @dsoi/client: typed CRUD, server-side apply, status and watch over @kubernetes/client-node. Its typed errors are
 * the `@dsoi/client/errors` entry.
 */

// Retries: the client's policy, retryOnConflict, and the jittered backoff and abortable sleep every retry of dsoi uses
export type { BackoffPolicy } from './backoff.js';
export { backoffDelayMs, sleep } from './backoff.js';
// What the client announces on an @dsoi/events bus
export type { ClientBus, ClientEvents } from './bus.js';
// The client: createClient, its interface and options
export type { Client, ClientOptions, ListAllOptions } from './client.js';
export { clientDefaults, createClient } from './client.js';
// Measurements and limits: the onRequest record, stats(), the rate limit
export type { ClientStats, RateLimit, RequestInfo, RequestVerb } from './clientStats.js';
// Loading a kubeconfig without loading @kubernetes/client-node (for the common cases)
export { KubeConfigError } from './kubeConfigError.js';
export type { LoadKubeConfigOptions } from './loadKubeConfig.js';
export { loadKubeConfig, loadKubeConfigDefaults } from './loadKubeConfig.js';
// The read seam (implemented by the client and by the store's read handle)
export type { GetOptions, ListOptions, Reader, RequestOptions } from './reader.js';
// Resource mapping: discovery, or kinds registered up front
export type { KindRegistration, ResourceMapping } from './resourceMapper.js';
export type { RetryOnConflictOptions, RetryOptions } from './retry.js';
export { retryDefaults, retryOnConflict, retryOnConflictDefaults } from './retry.js';
// Object shapes
export type {
  KubeConfigSource,
  KubeObject,
  Live,
  ObjectList,
  ObjectRef,
  ObjectRefOrObject,
  ServerFields,
  TypeMeta,
} from './types.js';
// Watch
export type { BookmarkObject, WatchEvent, WatchEventType, WatchOptions } from './watch.js';
// The write seam
export type { ApplyOptions, DeleteOptions, JsonPatchOperation, Patch, WriteOptions, Writer } from './writer.js';
