/** The client's reads (get, getStatus, list, and the paged listAll and iterate), each a `Call` of the caller. */
import type { KubeObject, Live, TypeMeta } from '@dsoi/object';
import type { Client, ListAllOptions } from '../client.js';
import type { GetOptions, ListOptions, Reader } from '../reader.js';
import type { ObjectList, ObjectRefOrObject } from '../types.js';
import type { Call } from './caller.js';
import { toRef } from './objectRefs.js';

/** Items per page of `listAll` and `iterate` when the caller sets no `limit`. */
export const listPageLimit = 500;

/** The reads of `Client`, as it declares them. */
export type ReadOperations = Pick<Client, keyof Reader | 'getStatus' | 'listAll' | 'iterate'>;

/** The read methods of a client whose requests go through `call`. */
export function createReadOperations(call: Call): ReadOperations {
  const list = listWith(call);
  return {
    get: getWith(call, undefined),
    getStatus: getWith(call, 'status'),
    list,
    async listAll<TObject extends KubeObject = KubeObject>(type: TypeMeta, options: ListAllOptions = {}) {
      const items: Live<TObject>[] = [];
      let last: ObjectList<TObject> | undefined;
      for await (const page of pages<TObject>(list, type, options)) {
        items.push(...page.items);
        last = page;
      }
      const metadata = { resourceVersion: last?.metadata.resourceVersion };
      return {
        apiVersion: last?.apiVersion ?? type.apiVersion,
        kind: last?.kind ?? `${type.kind}List`,
        metadata,
        items,
      };
    },
    async *iterate<TObject extends KubeObject = KubeObject>(type: TypeMeta, options: ListAllOptions = {}) {
      for await (const page of pages<TObject>(list, type, options)) yield* page.items;
    },
  };
}

function getWith(call: Call, subresource: string | undefined) {
  const operation = subresource === undefined ? 'get' : 'getStatus';
  return async <TObject extends KubeObject = KubeObject>(target: ObjectRefOrObject, options: GetOptions = {}) => {
    const ref = toRef(target, operation);
    const query = { resourceVersion: options.resourceVersion };
    const spec = { operation, verb: 'get', type: ref, namespace: ref.namespace, name: ref.name, subresource } as const;
    return (await call({ ...spec, method: 'GET', query, idempotent: true }, options)) as Live<TObject>;
  };
}

function listWith(call: Call) {
  return async <TObject extends KubeObject = KubeObject>(
    type: TypeMeta,
    options: ListOptions = {},
  ): Promise<ObjectList<TObject>> => {
    const { labelSelector, fieldSelector, limit, resourceVersion, resourceVersionMatch } = options;
    const query = {
      labelSelector,
      fieldSelector,
      limit,
      continue: options.continue,
      resourceVersion,
      resourceVersionMatch,
    };
    const spec = { operation: 'list', verb: 'list', type, namespace: options.namespace, method: 'GET' } as const;
    const result = (await call({ ...spec, query, idempotent: true, collection: true }, options)) as ObjectList<TObject>;
    // List items come without apiVersion and kind; fill them in so every object is self-describing.
    for (const item of result.items ?? []) {
      (item as { apiVersion?: string }).apiVersion ??= type.apiVersion;
      (item as { kind?: string }).kind ??= type.kind;
    }
    return { ...result, items: result.items ?? [], metadata: result.metadata ?? {} };
  };
}

/** The pages of a list, each read when the previous one was consumed, following the `continue` token. */
async function* pages<TObject extends KubeObject>(list: Reader['list'], type: TypeMeta, options: ListAllOptions) {
  const { limit = listPageLimit, ...rest } = options;
  let token: string | undefined;
  do {
    const page: ObjectList<TObject> = await list<TObject>(type, { ...rest, limit, continue: token });
    yield page;
    token = page.metadata.continue || undefined;
  } while (token !== undefined);
}
