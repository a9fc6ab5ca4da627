/** Builds a ConfigMap: validated names, labels and data keys, ready for server-side apply. */
import type { V1ConfigMap } from '@kubernetes/client-node';
import { checkDataMap, checkDataSize, checkDisjoint, nonEmpty } from './internal/configData.js';
import { buildObjectMeta } from './internal/objectMeta.js';
import type { Built, ObjectMetaOptions } from './types.js';
import { validateDns1123Subdomain } from './validation.js';

/** A ConfigMap as {@link buildConfigMap} returns it. */
export type BuiltConfigMap = Built<V1ConfigMap, 'v1', 'ConfigMap'>;

/** Options of {@link buildConfigMap}. The name is a DNS-1123 subdomain. */
export interface ConfigMapOptions extends ObjectMetaOptions {
  /**
   * UTF-8 entries: key (letters, digits, `-`, `_`, `.`) to text. Mounted as a volume, each key becomes a file.
   * @default {} (no `data` field is written)
   */
  readonly data?: Readonly<Record<string, string>>;
  /**
   * Binary entries: key to base64 text. A key may not appear in both `data` and `binaryData`.
   * @default {} (no `binaryData` field is written)
   */
  readonly binaryData?: Readonly<Record<string, string>>;
  /**
   * Makes the ConfigMap immutable; the API server then refuses any change to its data (delete and re-create it).
   * @default undefined (mutable)
   */
  readonly immutable?: boolean;
}

/**
 * Builds a `v1` ConfigMap.
 * @throws BuilderValidationError for an invalid name, namespace, label, annotation, owner reference or data key,
 * non-base64 `binaryData`, a key present in both maps, or data over 1 MiB.
 */
export function buildConfigMap(options: ConfigMapOptions): BuiltConfigMap {
  const metadata = buildObjectMeta(options, 'ConfigMap', validateDns1123Subdomain);
  const data = checkDataMap(options.data, 'ConfigMap data', false);
  const binaryData = checkDataMap(options.binaryData, 'ConfigMap binaryData', true);
  checkDisjoint(data, binaryData, ['ConfigMap data', 'ConfigMap binaryData']);
  checkDataSize(
    [
      { map: data, base64: false },
      { map: binaryData, base64: true },
    ],
    'ConfigMap data',
  );
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata,
    ...(nonEmpty(data) && { data }),
    ...(nonEmpty(binaryData) && { binaryData }),
    ...(options.immutable !== undefined && { immutable: options.immutable }),
  };
}
