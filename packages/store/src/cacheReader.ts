/** A `Reader` (the client's get/list interface) served from a factory's informers, so reconcilers read without requests. */

import type { GetOptions, ListOptions, ObjectList, ObjectRefOrObject, Reader } from '@dsoi/client';
import { NotFoundError } from '@dsoi/client/errors';
import type { KubeObject, Live, TypeMeta } from '@dsoi/object';
import { StoreError } from './errors.js';
import type { Informer } from './informer.js';
import { parseFieldSelector } from './internal/fieldSelector.js';
import type { InformerLookup } from './storeFactory.js';

/**
 * Where a cache reader finds the informer that answers a read: a `StoreFactory` (every informer it holds), or a
 * narrower set such as one controller's informers. `find` returns `undefined` when none covers the read (the reader
 * then rejects with `NotCached`), or throws its own error to say what to do instead.
 */
export interface InformerSource {
  /** The informer that answers a read of `type` as `lookup` describes it, or `undefined` when none covers it. */
  find(type: TypeMeta, lookup: InformerLookup): Informer | undefined;
}

/**
 * Returns a `Reader` whose `get` and `list` answer from the informers `source` holds (a `StoreFactory`), waiting for
 * their sync first: the one read seam over the cache, which a test replaces with any other `Reader`. It never creates
 * an informer (no hidden watches): reading a kind or namespace no informer covers rejects with `StoreError`
 * (`NotCached`). A missing object rejects with the client's `NotFoundError`, as the server would.
 *
 * Caveats: results lag the server by the watch latency; `limit`/`continue` are ignored (everything is returned at
 * once); a `get` served by an informer with selectors reads objects outside them as absent.
 */
export function createCacheReader(source: InformerSource): Reader {
  const informerFor = (operation: string, type: TypeMeta, lookup: InformerLookup) => {
    const informer = source.find(type, lookup);
    if (informer === undefined) {
      const where = lookup.namespace ? ` in namespace ${lookup.namespace}` : ' in all namespaces';
      const filters = [lookup.labelSelector, lookup.fieldSelector].filter(Boolean).map((s) => JSON.stringify(s));
      throw new StoreError(
        'NotCached',
        `${operation} ${type.apiVersion} ${type.kind}${where}${filters.length ? ` with ${filters.join(' and ')}` : ''}: ` +
          'no informer of the store factory caches it; acquire one with factory.informer() first',
      );
    }
    return informer;
  };

  return {
    async get<TObject extends KubeObject = KubeObject>(target: ObjectRefOrObject, options: GetOptions = {}) {
      const ref = refOf(target);
      const informer = informerFor('get', ref, { namespace: ref.namespace, byName: true });
      await informer.waitForSync(options.signal);
      const found = lookUp(informer, ref.name, ref.namespace);
      // Cached objects came from the server (a transform must keep name, uid and resourceVersion).
      if (found !== undefined) return found as Live<TObject>;
      const shown = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
      throw new NotFoundError({
        reason: 'NotFound',
        code: 404,
        message: `get ${ref.apiVersion} ${ref.kind} ${shown}: NotFound: not in the cache`,
        operation: 'get',
        target: { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name },
      });
    },
    async list<TObject extends KubeObject = KubeObject>(type: TypeMeta, options: ListOptions = {}) {
      const { namespace, labelSelector, fieldSelector } = options;
      const informer = informerFor('list', type, { namespace, labelSelector, fieldSelector });
      await informer.waitForSync(options.signal);
      let items = informer.list({ namespace, labelSelector });
      // An informer created with this very field selector already applied it on the server.
      const filteredByServer = source.find(type, { namespace }) !== informer;
      if (fieldSelector && !filteredByServer) items = items.filter(parseFieldSelector(fieldSelector));
      const list: ObjectList<TObject> = {
        apiVersion: type.apiVersion,
        kind: `${type.kind}List`,
        metadata: { resourceVersion: informer.stats().lastResourceVersion },
        items: [...items] as Live<TObject>[],
      };
      return list;
    },
  };
}

/** A cluster-scoped object is cached under its bare name even when the caller passed a namespace. */
function lookUp<TObject extends KubeObject>(informer: Informer<TObject>, name: string, namespace: string | undefined) {
  const found = informer.get(name, namespace);
  if (found !== undefined || !namespace) return found;
  const clusterScoped = informer.get(name);
  return clusterScoped?.metadata?.namespace ? undefined : clusterScoped;
}

function refOf(
  target: ObjectRefOrObject,
): TypeMeta & { readonly name: string; readonly namespace: string | undefined } {
  const { apiVersion, kind } = target;
  const metadata = 'metadata' in target ? target.metadata : undefined;
  const name = metadata?.name ?? ('name' in target ? target.name : undefined);
  const namespace = (metadata?.namespace ?? ('namespace' in target ? target.namespace : undefined)) || undefined;
  if (!apiVersion || !kind || !name) {
    throw new TypeError(
      `get: the reference needs apiVersion, kind and name (got ${JSON.stringify({ apiVersion, kind, name })})`,
    );
  }
  return { apiVersion, kind, name, namespace };
}
