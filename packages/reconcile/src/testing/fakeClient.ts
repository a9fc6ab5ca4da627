/**
 * An in-memory `Reader` and `Writer` for unit tests of a reconcile's pure parts: it keeps objects by kind, namespace
 * and name, answers `get` with `NotFoundError` like the API server, and records every write in order. It does not
 * default, validate or garbage-collect anything: whatever the API server would do is proven against a real one.
 */

import type { ObjectList, ObjectRefOrObject, Patch, Reader, Writer } from '@dsoi/client';
import { NotFoundError } from '@dsoi/client/errors';
import type { KubeObject, Live, TypeMeta } from '@dsoi/object';

/** One write the fake received. */
export interface FakeWrite {
  readonly verb: 'apply' | 'patch' | 'delete' | 'applyStatus' | 'patchStatus';
  /** `apiVersion Kind namespace/name`. */
  readonly target: string;
  /** The object applied or the patch sent; `undefined` for a delete. */
  readonly body: unknown;
}

/** A fake client: the {@link Reader} and {@link Writer} seams over one in-memory map. */
export interface FakeClient extends Reader, Writer {
  /** Every write so far, oldest first. */
  readonly writes: readonly FakeWrite[];
  /** The objects it holds now (copies). */
  objects(): KubeObject[];
}

/** Options of {@link createFakeClient}. */
export interface FakeClientOptions {
  /** What it holds at the start (e.g. a live child with another owner). @default [] */
  readonly objects?: readonly KubeObject[];
}

type Stored = KubeObject & { metadata: Record<string, unknown>; status?: unknown };

function target(ref: ObjectRefOrObject): string {
  const name =
    'name' in ref && typeof ref.name === 'string' ? ref.name : 'metadata' in ref ? ref.metadata?.name : undefined;
  const namespace =
    'namespace' in ref && typeof ref.namespace === 'string'
      ? ref.namespace
      : 'metadata' in ref
        ? ref.metadata?.namespace
        : undefined;
  return `${ref.apiVersion} ${ref.kind} ${namespace ?? ''}/${name}`;
}

/** A deep copy typed as what the caller asked for: the fake hands out copies, never its own objects. */
function copyAs<T>(value: unknown): T {
  return structuredClone(value) as T;
}

/** RFC 7386: `null` removes a key, objects merge, everything else replaces. */
function mergePatch(base: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    base !== null && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/**
 * Creates a {@link FakeClient}. Merge patches are applied (RFC 7386); strategic and JSON patches are refused, since
 * only the API server knows a kind's merge keys. Every stored object gets a uid and a resourceVersion.
 */
export function createFakeClient(options: FakeClientOptions = {}): FakeClient {
  const store = new Map<string, Stored>();
  const writes: FakeWrite[] = [];
  let version = 0;
  const put = (object: KubeObject): Live<KubeObject> => {
    const key = target(object);
    const previous = store.get(key);
    const metadata = { uid: `uid-${++version}`, ...previous?.metadata, ...object.metadata };
    const stored = { ...object, metadata: { ...metadata, resourceVersion: String(version) } } as Stored;
    store.set(key, stored);
    return structuredClone(stored) as Live<KubeObject>;
  };
  const existing = (ref: ObjectRefOrObject, operation: string): Stored => {
    const found = store.get(target(ref));
    if (!found) {
      throw new NotFoundError({ reason: 'NotFound', code: 404, message: `${operation} ${target(ref)}: not found` });
    }
    return found;
  };
  const patchWith = (ref: ObjectRefOrObject, patch: Patch, field?: 'status') => {
    if (patch.type !== 'merge') throw new TypeError(`the fake client applies merge patches only (got ${patch.type})`);
    const live = existing(ref, 'patch');
    const body = field ? { status: (patch.body as { status?: unknown }).status } : patch.body;
    return put(copyAs<KubeObject>(mergePatch(live, body)));
  };
  for (const object of options.objects ?? []) put(object);
  const record = (verb: FakeWrite['verb'], ref: ObjectRefOrObject, body: unknown) =>
    writes.push({ verb, target: target(ref), body: structuredClone(body) });
  return {
    writes,
    objects: () => [...store.values()].map((o) => structuredClone(o)),
    get: async <TObject extends KubeObject>(ref: ObjectRefOrObject) => copyAs<Live<TObject>>(existing(ref, 'get')),
    list: async <TObject extends KubeObject>(type: TypeMeta, listOptions: { namespace?: string } = {}) => {
      const items = [...store.values()].filter(
        (o) =>
          o.apiVersion === type.apiVersion &&
          o.kind === type.kind &&
          (listOptions.namespace === undefined || o.metadata.namespace === listOptions.namespace),
      );
      return copyAs<ObjectList<TObject>>({
        apiVersion: type.apiVersion,
        kind: `${type.kind}List`,
        metadata: { resourceVersion: String(version) },
        items,
      });
    },
    apply: async <TObject extends KubeObject>(object: TObject) => {
      record('apply', object, object);
      const { status: _status, ...rest } = object as TObject & { status?: unknown };
      const live = store.get(target(object));
      return put(live?.status === undefined ? rest : { ...rest, status: live.status }) as Live<TObject>;
    },
    patch: async <TObject extends KubeObject>(ref: ObjectRefOrObject, patch: Patch) => {
      record('patch', ref, patch);
      return patchWith(ref, patch) as Live<TObject>;
    },
    delete: async (ref) => {
      record('delete', ref, undefined);
      existing(ref, 'delete');
      store.delete(target(ref));
    },
    applyStatus: async <TObject extends KubeObject>(object: TObject) => {
      record('applyStatus', object, object);
      const live = existing(object, 'applyStatus');
      const updated: KubeObject & { status?: unknown } = { ...live, status: (object as { status?: unknown }).status };
      return put(updated) as Live<TObject>;
    },
    patchStatus: async <TObject extends KubeObject>(ref: ObjectRefOrObject, patch: Patch) => {
      record('patchStatus', ref, patch);
      return patchWith(ref, patch, 'status') as Live<TObject>;
    },
  };
}
