/** How the informer makes a parsed object its own before caching it: managedFields stripped, transformed, frozen. */
import type { KubeObject } from '@dsoi/object';
import { deepFreeze } from './deepFreeze.js';

/** The informer options that shape cached objects. */
export interface PrepareOptions<TObject extends KubeObject> {
  readonly stripManagedFields: boolean;
  readonly transform: ((obj: TObject) => TObject) | undefined;
  readonly freeze: boolean;
  /** Hears of a throwing `transform`; the object is then cached untransformed. */
  readonly onTransformError: (error: unknown) => void;
}

/** Strips, transforms and freezes an object the client just parsed (the informer owns it from here on). */
export function prepareObject<TObject extends KubeObject>(raw: TObject, options: PrepareOptions<TObject>): TObject {
  let obj = raw;
  const metadata = raw.metadata as Record<string, unknown> | undefined;
  if (options.stripManagedFields && metadata !== undefined && 'managedFields' in metadata) {
    // A fresh metadata object instead of `delete`: V8 keeps it in fast mode, and the caller's object is untouched.
    const trimmed: Record<string, unknown> = {};
    for (const key in metadata) if (key !== 'managedFields') trimmed[key] = metadata[key];
    obj = { ...raw, metadata: trimmed };
  }
  if (options.transform !== undefined) {
    try {
      obj = options.transform(obj);
    } catch (error) {
      options.onTransformError(error);
    }
  }
  return options.freeze ? deepFreeze(obj) : obj;
}
