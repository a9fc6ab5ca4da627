/** The client's writes (create, replace, apply, patch, delete, and their status forms), each announced on the bus. */
import type { KubeObject, Live } from '@dsoi/object';
import type { ClientBus } from '../bus.js';
import type { ObjectRefOrObject } from '../types.js';
import type { ApplyOptions, DeleteOptions, Patch, WriteOptions, Writer } from '../writer.js';
import { announceWrite } from './announceWrite.js';
import type { Call } from './caller.js';
import { objectRef, toRef } from './objectRefs.js';
import { deleteSpec, type ObjectWrite, objectWriteSpec, patchSpec } from './writeSpec.js';

/** The writes of `Client` beyond `Writer`. */
export interface WriteOperations extends Writer {
  create<TObject extends KubeObject>(object: TObject, options?: WriteOptions): Promise<Live<TObject>>;
  replace<TObject extends KubeObject>(object: TObject, options?: WriteOptions): Promise<Live<TObject>>;
  replaceStatus<TObject extends KubeObject>(object: TObject, options?: WriteOptions): Promise<Live<TObject>>;
}

/** The write methods of a client whose requests go through `call`, announced on `bus` if there is one. */
export function createWriteOperations(call: Call, fieldManager: string, bus: ClientBus | undefined): WriteOperations {
  /** One write of a whole object (apply, replace, create) to the object or its status. */
  const objectWrite = (write: ObjectWrite) => {
    return async <TObject extends KubeObject>(object: TObject, options: ApplyOptions = {}): Promise<Live<TObject>> => {
      const ref = objectRef(object, write.operation, write.verb !== 'create');
      return announceWrite(bus, { verb: write.verb, ref, subresource: write.subresource, options }, async () => {
        const spec = objectWriteSpec(write, ref, { object, fieldManager, options });
        return (await call(spec, options)) as Live<TObject>;
      });
    };
  };

  const patchTo = (subresource: string | undefined) => {
    const operation = subresource === undefined ? 'patch' : 'patchStatus';
    return async <TObject extends KubeObject = KubeObject>(
      target: ObjectRefOrObject,
      patch: Patch,
      options: WriteOptions = {},
    ): Promise<Live<TObject>> => {
      const ref = toRef(target, operation);
      const spec = patchSpec({ operation, subresource }, ref, { patch, fieldManager, options });
      return announceWrite(bus, { verb: 'patch', ref, subresource, options }, async () => {
        return (await call(spec, options)) as Live<TObject>;
      });
    };
  };

  const remove = async (target: ObjectRefOrObject, options: DeleteOptions = {}): Promise<void> => {
    const ref = toRef(target, 'delete');
    await announceWrite(bus, { verb: 'delete', ref, subresource: undefined, options }, async () => {
      await call(deleteSpec(ref, options), options);
    });
  };

  return {
    create: objectWrite({ verb: 'create', operation: 'create', subresource: undefined }),
    replace: objectWrite({ verb: 'update', operation: 'replace', subresource: undefined }),
    replaceStatus: objectWrite({ verb: 'update', operation: 'replaceStatus', subresource: 'status' }),
    apply: objectWrite({ verb: 'apply', operation: 'apply', subresource: undefined }),
    applyStatus: objectWrite({ verb: 'apply', operation: 'applyStatus', subresource: 'status' }),
    patch: patchTo(undefined),
    patchStatus: patchTo('status'),
    delete: remove,
  };
}
