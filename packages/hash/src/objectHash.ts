/** The desired-state hash of a Kubernetes object, and the annotation that carries it on the live object. */
import type { KubeObject } from '@dsoi/object';
import { hash } from './hash.js';

/** The annotation key used when none is given. */
export const defaultHashAnnotation = 'dsoi.io/desired-hash';

/**
 * @deprecated The hash helpers take any `KubeObject` of `@dsoi/object`, the one object model of every dsoi package;
 * import that instead.
 */
export type HashableObject = KubeObject;

/** Options shared by the hash-annotation helpers. */
export interface HashAnnotationOptions {
  /**
   * The annotation that holds the hash. It must be a valid Kubernetes annotation key (`[prefix/]name`).
   * @default 'dsoi.io/desired-hash'
   */
  readonly annotationKey?: string;
}

/** Metadata fields the API server owns; they never belong to the desired state. */
const serverOwnedMetadata = [
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
] as const;

/**
 * Hashes the desired state of a Kubernetes object.
 *
 * Ignores `status`, the server-owned metadata (`resourceVersion`, `uid`, `generation`, `creationTimestamp`,
 * `deletionTimestamp`, `managedFields`, `selfLink`) and the hash annotation itself, so the hash of an object is the
 * same before and after {@link stampHash} and after a round trip through the API server. An `annotations` map that
 * holds only the hash annotation counts as absent.
 *
 * @throws TypeError for an invalid `annotationKey`, or for values JSON cannot represent faithfully.
 */
export function objectHash<TObject extends KubeObject>(obj: TObject, options: HashAnnotationOptions = {}): string {
  const annotationKey = checkedKey(options.annotationKey);
  const { status: _status, metadata, ...rest } = obj;
  if (metadata === undefined) return hash(rest);
  const desiredMetadata: Record<string, unknown> = { ...metadata };
  for (const field of serverOwnedMetadata) delete desiredMetadata[field];
  const annotations = metadata.annotations;
  if (annotations !== undefined) {
    const { [annotationKey]: _own, ...others } = annotations;
    if (Object.keys(others).length === 0) delete desiredMetadata.annotations;
    else desiredMetadata.annotations = others;
  }
  return hash({ ...rest, metadata: desiredMetadata });
}

/** `TObject` with its annotations present, as {@link stampHash} returns it. */
export type Stamped<TObject extends KubeObject> = TObject & {
  readonly metadata: NonNullable<TObject['metadata']> & { readonly annotations: Readonly<Record<string, string>> };
};

/**
 * Returns a copy of `obj` whose hash annotation holds {@link objectHash} of `obj`. The input is not changed.
 */
export function stampHash<TObject extends KubeObject>(
  obj: TObject,
  options: HashAnnotationOptions = {},
): Stamped<TObject> {
  const annotationKey = checkedKey(options.annotationKey);
  const digest = objectHash(obj, { annotationKey });
  return {
    ...obj,
    metadata: { ...obj.metadata, annotations: { ...obj.metadata?.annotations, [annotationKey]: digest } },
  } as Stamped<TObject>;
}

/** Reads the hash annotation of a (live) object; `undefined` when it has none. */
export function readHash<TObject extends KubeObject>(
  obj: TObject,
  options: HashAnnotationOptions = {},
): string | undefined {
  return obj.metadata?.annotations?.[checkedKey(options.annotationKey)];
}

// A qualified name: optional DNS-1123 subdomain prefix (at most 253) and a name of at most 63 characters.
const keyName = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const keyPrefix = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkedKey(key: string = defaultHashAnnotation): string {
  if (key === defaultHashAnnotation) return key;
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  const prefixOk = prefix === undefined || (prefix.length <= 253 && keyPrefix.test(prefix));
  if (!prefixOk || name.length > 63 || !keyName.test(name)) {
    throw new TypeError(
      `hash annotation key ${JSON.stringify(key)} is not a valid annotation key: expected [prefix/]name with a ` +
        'DNS-1123 subdomain prefix (at most 253 characters) and a name of at most 63 alphanumerics, "-", "_" or "."',
    );
  }
  return key;
}
