/** The typed handle of one custom resource kind: the client's calls with the kind filled in and the object type fixed. */

import type {
  ApplyOptions,
  Client,
  GetOptions,
  ListOptions,
  ObjectList,
  Reader,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from '@dsoi/client';
import type { KubeObject, Live, TypeMeta } from '@dsoi/object';
import { type UpdateStatusOptions, updateStatus } from '../controller/updateStatus.js';

type StatusOf<TObject> = TObject extends { readonly status?: infer TStatus } ? TStatus : never;
type SpecOf<TObject> = TObject extends { readonly spec: infer TSpec } ? TSpec : never;

/** Which object a call is about: a name, and the namespace when the kind is namespaced. */
export interface CustomResourceKey {
  readonly name: string;
  /** Required for a namespaced kind (the API server answers NotFound without it). */
  readonly namespace?: string;
}

/** What `apply` sends: metadata and spec; `apiVersion` and `kind` are filled in. */
export interface CustomResourceApply<TObject> {
  readonly metadata: CustomResourceKey & {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: SpecOf<TObject>;
}

/** Typed reads of one kind through any `Reader` (the client, or the store's cache reader). */
export interface CustomResourceReader<TObject extends KubeObject> {
  /** Reads one object. Errors: `NotFoundError` (from the client; the cache reader's own). */
  get(key: CustomResourceKey, options?: GetOptions): Promise<Live<TObject>>;
  /** Lists objects of the kind, in `options.namespace` or everywhere. */
  list(options?: ListOptions): Promise<ObjectList<TObject>>;
}

/** Typed reads and writes of one kind through a client. */
export interface CustomResourceHandle<TObject extends KubeObject> extends CustomResourceReader<TObject> {
  /** Server-side apply of metadata and spec with the client's field manager; returns the live object. */
  apply(object: CustomResourceApply<TObject>, options?: ApplyOptions): Promise<Live<TObject>>;
  /** Merge-patches the status subresource with `status` (a `null` field removes it); returns the live object. */
  patchStatus(
    key: CustomResourceKey,
    status: { readonly [K in keyof StatusOf<TObject>]?: StatusOf<TObject>[K] | null },
    options?: WriteOptions,
  ): Promise<Live<TObject>>;
  /**
   * Writes `status` only when it differs from `object`'s, guarded by `object`'s resourceVersion: `updateStatus` of
   * `@dsoi/reconcile` with the type checked. Returns whether it wrote.
   */
  updateStatus(
    object: TObject,
    status: { readonly [K in keyof StatusOf<TObject>]?: StatusOf<TObject>[K] | null },
    options?: UpdateStatusOptions,
  ): Promise<boolean>;
  /** Watches the kind (see the client's `watch` for resume and end conditions). */
  watch(options?: WatchOptions): AsyncIterable<WatchEvent<TObject>>;
}

/** Builds a reader, or a handle when `client` can write and watch. */
export function createHandle<TObject extends KubeObject>(
  client: Reader,
  type: TypeMeta,
  namespaced: boolean,
): CustomResourceHandle<TObject> {
  const ref = ({ name, namespace }: CustomResourceKey) => ({ ...type, name, ...(namespaced && { namespace }) });
  const writer = client as Reader & Partial<Pick<Client, 'apply' | 'patchStatus' | 'watch'>>;
  // A cache reader has no writes: say which call needs a client, rather than "is not a function".
  const can = (name: 'apply' | 'patchStatus' | 'watch'): Reader & Pick<Client, typeof name> => {
    if (typeof writer[name] !== 'function')
      throw new TypeError(`${type.kind} handle: ${name} needs a client that has it`);
    return writer as Reader & Pick<Client, typeof name>;
  };
  return {
    get: (key, options) => client.get<TObject>(ref(key), options),
    list: (options) => client.list<TObject>(type, options),
    // Server-side apply sends only the fields this manager owns, so the object sent is the model narrowed to the
    // spec; what the server returns is the whole object, of this handle's kind.
    apply: ({ metadata, spec }, options) =>
      can('apply').apply<KubeObject<SpecOf<TObject>>>({ ...type, metadata, spec }, options) as Promise<Live<TObject>>,
    patchStatus: (key, status, options) =>
      can('patchStatus').patchStatus<TObject>(ref(key), { type: 'merge', body: { status } }, options),
    updateStatus: (object, status, options) =>
      updateStatus(can('patchStatus'), object, status as Readonly<Record<string, unknown>>, options),
    watch: (options) => can('watch').watch<TObject>(type, options),
  };
}
