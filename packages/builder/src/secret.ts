/** Builds a Secret: validated names, labels and data keys, ready for server-side apply. */
import type { V1Secret } from '@kubernetes/client-node';
import { checkDataMap, checkDataSize, checkDisjoint, nonEmpty } from './internal/configData.js';
import { buildObjectMeta } from './internal/objectMeta.js';
import type { Built, ObjectMetaOptions } from './types.js';
import { validateDns1123Subdomain } from './validation.js';

/** A Secret as {@link buildSecret} returns it. */
export type BuiltSecret = Built<V1Secret, 'v1', 'Secret'>;

/** Options of {@link buildSecret}. The name is a DNS-1123 subdomain. */
export interface SecretOptions extends ObjectMetaOptions {
  /**
   * The Secret type, e.g. `kubernetes.io/tls` or `kubernetes.io/dockerconfigjson`.
   * @default 'Opaque'
   */
  readonly type?: string;
  /**
   * Entries as base64 text: key (letters, digits, `-`, `_`, `.`) to base64.
   * @default {} (no `data` field is written)
   */
  readonly data?: Readonly<Record<string, string>>;
  /**
   * Entries as plain text; the API server encodes them into `data` on write. A key may not appear in both maps.
   * @default {} (no `stringData` field is written)
   */
  readonly stringData?: Readonly<Record<string, string>>;
  /**
   * Makes the Secret immutable; the API server then refuses any change to its data.
   * @default undefined (mutable)
   */
  readonly immutable?: boolean;
}

/**
 * Builds a `v1` Secret.
 * @throws BuilderValidationError for an invalid name, namespace, label, annotation, owner reference or data key,
 * non-base64 `data`, a key present in both maps, or data over 1 MiB.
 */
export function buildSecret(options: SecretOptions): BuiltSecret {
  const metadata = buildObjectMeta(options, 'Secret', validateDns1123Subdomain);
  const data = checkDataMap(options.data, 'Secret data', true);
  const stringData = checkDataMap(options.stringData, 'Secret stringData', false);
  checkDisjoint(data, stringData, ['Secret data', 'Secret stringData']);
  checkDataSize(
    [
      { map: data, base64: true },
      { map: stringData, base64: false },
    ],
    'Secret data',
  );
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata,
    type: options.type ?? 'Opaque',
    ...(nonEmpty(data) && { data }),
    ...(nonEmpty(stringData) && { stringData }),
    ...(options.immutable !== undefined && { immutable: options.immutable }),
  };
}
