/** The client's `watch`: the kind resolved when the stream opens, then the request plan of one watch connection. */
import type { KubeObject, TypeMeta } from '@dsoi/object';
import type { ErrorTarget } from '../kubeApiError.js';
import type { ResourceMapper, ResourceMapping } from '../resourceMapper.js';
import { streamWatchEvents, type WatchEvent, type WatchOptions } from '../watch.js';
import { queryString, resourcePath } from './paths.js';
import type { Requester, RequestPlan } from './requester.js';

/** `Client.watch`. */
export type WatchOperation = <TObject extends KubeObject = KubeObject>(
  type: TypeMeta,
  options?: WatchOptions,
) => AsyncIterable<WatchEvent<TObject>>;

/** A `watch` whose connections go through `requester`, the kind resolved by `mapper` when each one opens. */
export function createWatchOperation(requester: Requester, mapper: ResourceMapper): WatchOperation {
  return <TObject extends KubeObject = KubeObject>(type: TypeMeta, options: WatchOptions = {}) => {
    const target: ErrorTarget = { apiVersion: type.apiVersion, kind: type.kind, namespace: options.namespace };
    const open = async (streamSignal: AbortSignal) => {
      const mapping = await mapper.resolve(type, 'watch', streamSignal);
      const plan = watchPlan(mapping, target, options);
      return requester.open(plan, { timeoutMs: options.timeoutMs, retry: options.retry }, streamSignal);
    };
    return streamWatchEvents<TObject>({ target, open }, options);
  };
}

/** The request of one watch connection: the namespace only for a namespaced kind, bookmarks unless turned off. */
export function watchPlan(mapping: ResourceMapping, target: ErrorTarget, options: WatchOptions): RequestPlan {
  const { allowWatchBookmarks = true } = options;
  const namespace = mapping.namespaced ? options.namespace || undefined : undefined;
  const query = {
    watch: 1,
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    resourceVersion: options.resourceVersion,
    resourceVersionMatch: options.resourceVersionMatch,
    allowWatchBookmarks: allowWatchBookmarks ? true : undefined,
    sendInitialEvents: options.sendInitialEvents,
    timeoutSeconds: options.timeoutSeconds,
  };
  return {
    method: 'GET',
    path: resourcePath({ ...mapping, resource: mapping.plural, namespace }) + queryString(query),
    idempotent: true,
    operation: 'watch',
    verb: 'watch',
    group: mapping.group,
    version: mapping.version,
    resource: mapping.plural,
    namespace,
    target: { ...target, namespace },
  };
}
