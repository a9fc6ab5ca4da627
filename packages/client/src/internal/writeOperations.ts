/** The client's writes (create, replace, apply, patch, delete, and their status forms), each announced on the bus. */
import type { ClientVerb } from '@dsoi/events';
import type { ClientBus } from '../bus.js';
import type { KubeObject, Live, ObjectRef, ObjectRefOrObject } from '../types.js';
import type { ApplyOptions, DeleteOptions, Patch, WriteOptions, Writer } from '../writer.js';
import type { Call, CallSpec } from './caller.js';
import { checkFieldManager, isKubeObject, objectRef, toRef } from './objectRefs.js';

/** The content type of each patch type. */
export const patchContentTypes: Readonly<Record<Patch['type'], string>> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

const busEventOf = {
  create: 'created',
  apply: 'applied',
  update: 'updated',
  patch: 'patched',
  delete: 'deleted',
} as const satisfies Record<ClientVerb, string>;

/** The writes of `Client` beyond `Writer`. */
export interface WriteOperations extends Writer {
  create<TObject extends KubeObject>(object: TObject, options?: WriteOptions): Promise<Live<TObject>>;
  replace<TObject extends KubeObject>(object: TObject, options?: WriteOptions): Promise<Live<TObject>>;
  replaceStatus<TObject extends KubeObject>(object: TObject, options?: WriteOptions): Promise<Live<TObject>>;
}

/** The write methods of a client whose requests go through `call`, announced on `bus` if there is one. */
export function createWriteOperations(call: Call, fieldManager: string, bus: ClientBus | undefined): WriteOperations {
  /** Runs a write and announces its outcome (not for dry runs, aborted calls or invalid input). */
  const announced = async <TResult>(
    verb: ClientVerb,
    ref: ObjectRef,
    subresource: string | undefined,
    options: { readonly dryRun?: boolean | undefined; readonly signal?: AbortSignal | undefined },
    run: () => Promise<TResult>,
  ): Promise<TResult> => {
    const startedMs = performance.now();
    const silent = bus === undefined || options.dryRun === true;
    const reference = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, namespace: ref.namespace };
    try {
      const result = await run();
      if (!silent) {
        const meta = isKubeObject(result) ? result.metadata : undefined;
        const payload = {
          verb,
          ref: { ...reference, uid: meta?.uid, resourceVersion: meta?.resourceVersion },
          subresource,
          durationMs: performance.now() - startedMs,
        };
        safeEmit(() => bus.emit(busEventOf[verb], payload));
      }
      return result;
    } catch (error) {
      if (!silent && !options.signal?.aborted && !(error instanceof TypeError)) {
        const payload = { verb, ref: reference, subresource, durationMs: performance.now() - startedMs, error };
        safeEmit(() => bus.emit('failed', payload));
      }
      throw error;
    }
  };

  const writeQuery = (options: WriteOptions & { readonly force?: boolean }) => {
    const manager = options.fieldManager ?? fieldManager;
    checkFieldManager(manager, 'write');
    return {
      fieldManager: manager,
      fieldValidation: options.fieldValidation,
      dryRun: options.dryRun ? 'All' : undefined,
      force: options.force ? true : undefined,
    };
  };

  /** One write of a whole object (apply, replace, create) to the object or its status. */
  const objectWrite = (
    verb: 'apply' | 'update' | 'create',
    operation: string,
    subresource: string | undefined,
    request: (object: KubeObject) => Pick<CallSpec, 'method' | 'contentType' | 'idempotent'>,
  ) => {
    return async <TObject extends KubeObject>(object: TObject, options: ApplyOptions = {}): Promise<Live<TObject>> => {
      const ref = objectRef(object, operation, verb !== 'create');
      return announced(verb, ref, subresource, options, async () => {
        const spec: CallSpec = {
          operation,
          verb: verb === 'apply' ? 'patch' : verb,
          type: ref,
          namespace: ref.namespace,
          name: ref.name || undefined,
          subresource,
          query: writeQuery(verb === 'apply' ? options : { ...options, force: undefined }),
          body: object,
          collection: verb === 'create',
          ...request(object),
        };
        return (await call(spec, options)) as Live<TObject>;
      });
    };
  };

  // Server-side apply is idempotent (the same intent twice gives the same result), so it is retried.
  const apply = { method: 'PATCH', contentType: 'application/apply-patch+yaml', idempotent: true } as const;
  const create = { method: 'POST', contentType: 'application/json', idempotent: false } as const;
  // With a resourceVersion a replayed PUT cannot overwrite a newer write: it fails with a conflict.
  const replace = (object: KubeObject) =>
    ({
      method: 'PUT',
      contentType: 'application/json',
      idempotent: object.metadata?.resourceVersion !== undefined,
    }) as const;

  const patchTo = (subresource: string | undefined) => {
    const operation = subresource === undefined ? 'patch' : 'patchStatus';
    return async <TObject extends KubeObject = KubeObject>(
      target: ObjectRefOrObject,
      patch: Patch,
      options: WriteOptions = {},
    ): Promise<Live<TObject>> => {
      const ref = toRef(target, operation);
      const contentType = patchContentTypes[patch.type];
      if (contentType === undefined) {
        throw new TypeError(
          `${operation}: patch.type must be 'merge', 'strategic' or 'json' (got ${String(patch.type)})`,
        );
      }
      return announced('patch', ref, subresource, options, async () => {
        const spec: CallSpec = {
          operation,
          verb: 'patch',
          type: ref,
          namespace: ref.namespace,
          name: ref.name,
          subresource,
          method: 'PATCH',
          query: writeQuery(options),
          body: patch.body,
          contentType,
          // Merge patches are idempotent (RFC 7386); a JSON patch may add to an array twice.
          idempotent: patch.type !== 'json',
        };
        return (await call(spec, options)) as Live<TObject>;
      });
    };
  };

  const remove = async (target: ObjectRefOrObject, options: DeleteOptions = {}): Promise<void> => {
    const ref = toRef(target, 'delete');
    await announced('delete', ref, undefined, options, async () => {
      const body = {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        propagationPolicy: options.propagationPolicy,
        gracePeriodSeconds: options.gracePeriodSeconds,
        preconditions: options.preconditions,
        dryRun: options.dryRun ? ['All'] : undefined,
      };
      const spec: CallSpec = {
        operation: 'delete',
        verb: 'delete',
        type: ref,
        namespace: ref.namespace,
        name: ref.name,
        method: 'DELETE',
        body,
        contentType: 'application/json',
        idempotent: true,
      };
      await call(spec, options);
    });
  };

  return {
    create: objectWrite('create', 'create', undefined, () => create),
    replace: objectWrite('update', 'replace', undefined, replace),
    replaceStatus: objectWrite('update', 'replaceStatus', 'status', replace),
    apply: objectWrite('apply', 'apply', undefined, () => apply),
    applyStatus: objectWrite('apply', 'applyStatus', 'status', () => apply),
    patch: patchTo(undefined),
    patchStatus: patchTo('status'),
    delete: remove,
  };
}

function safeEmit(emit: () => void) {
  try {
    emit();
  } catch {
    // A bus is an observer: its failure must not turn a successful write into a failed one.
  }
}
