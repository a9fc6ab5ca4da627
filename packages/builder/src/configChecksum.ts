/** Config checksums on pod templates: a ConfigMap or Secret change rolls exactly the workloads that use it. */

import { hash, hashText } from '@dsoi/hash';
import type { V1ConfigMap, V1PodTemplateSpec, V1Secret } from '@kubernetes/client-node';
import { BuilderValidationError } from './errors.js';
import { nameLimits, validateAnnotations } from './validation.js';

/** The prefix of every config checksum annotation key. */
export const configChecksumPrefix = 'checksum.dsoi.io/';

/** A ConfigMap or a Secret, with its `kind` and `metadata.name` set (as every builder here returns them). */
export type ConfigObject = V1ConfigMap | V1Secret;

/** Options of {@link withConfigChecksum}. */
export interface ConfigChecksumOptions {
  /**
   * The annotation key to write instead of the derived one ({@link configChecksumKey}).
   * @default configChecksumKey(config)
   */
  readonly annotationKey?: string;
}

const hashSuffixLength = 10;

/** Reads and checks the kind of a config object; the error names what was given instead. */
function configKind(config: ConfigObject): 'configmap' | 'secret' {
  if (config.kind === 'ConfigMap') return 'configmap';
  if (config.kind === 'Secret') return 'secret';
  throw new BuilderValidationError(
    'config.kind',
    'kind',
    config.kind,
    'a config checksum takes a ConfigMap or a Secret',
  );
}

function configName(config: ConfigObject): string {
  const name = config.metadata?.name;
  if (typeof name !== 'string' || name === '') {
    throw new BuilderValidationError('config.metadata.name', 'required', name, 'the config object needs a name');
  }
  return name;
}

/**
 * The checksum of a ConfigMap's or Secret's content: the `@dsoi/hash` hash of `{ data, binaryData }` (ConfigMap) or
 * `{ data, stringData }` (Secret), as 32 hex characters. Metadata (labels, annotations, owner) is not hashed, so
 * relabelling a ConfigMap rolls nothing; an absent map and an empty map hash the same.
 *
 * @throws BuilderValidationError (rule `kind`) when `config.kind` is neither `ConfigMap` nor `Secret`.
 */
export function configChecksum(config: ConfigObject): string {
  if (configKind(config) === 'configmap') {
    const configMap = config as V1ConfigMap;
    return hash({ data: configMap.data ?? {}, binaryData: configMap.binaryData ?? {} });
  }
  const secret = config as V1Secret;
  return hash({ data: secret.data ?? {}, stringData: secret.stringData ?? {} });
}

/**
 * The annotation key that carries the checksum of `config`: `checksum.dsoi.io/configmap-<name>` or
 * `checksum.dsoi.io/secret-<name>`. One key per config object, so a pod template can carry the checksums of
 * several. The name part of an annotation key is limited to 63 characters; when `<kind>-<name>` is longer, the key
 * becomes `<kind>-<first characters of name>-<10 hex characters of the name's hash>`, which stays unique per name.
 *
 * @throws BuilderValidationError when `config` is not a ConfigMap or Secret, or has no name.
 */
export function configChecksumKey(config: ConfigObject): string {
  const full = `${configKind(config)}-${configName(config)}`;
  if (full.length <= nameLimits.labelValue) return `${configChecksumPrefix}${full}`;
  const suffix = hashText(full).slice(0, hashSuffixLength);
  const kept = full.slice(0, nameLimits.labelValue - hashSuffixLength - 1);
  return `${configChecksumPrefix}${kept}-${suffix}`;
}

/**
 * Returns a copy of `template` whose annotations carry {@link configChecksum} of `config` under
 * {@link configChecksumKey} (or `options.annotationKey`). When the config's content changes, the pod template
 * changes, and the workload rolls its pods; workloads that do not carry this config's checksum are untouched.
 * The input template is not changed, and the copy shares no objects with it.
 *
 * @throws BuilderValidationError when `config` is not a named ConfigMap or Secret, or `annotationKey` is invalid.
 */
export function withConfigChecksum(
  template: V1PodTemplateSpec,
  config: ConfigObject,
  options: ConfigChecksumOptions = {},
): V1PodTemplateSpec {
  const key = options.annotationKey ?? configChecksumKey(config);
  const checksum = configChecksum(config);
  const copy = structuredClone(template);
  const annotations = { ...copy.metadata?.annotations, [key]: checksum };
  validateAnnotations(annotations, 'template.metadata.annotations');
  return { ...copy, metadata: { ...copy.metadata, annotations } };
}
