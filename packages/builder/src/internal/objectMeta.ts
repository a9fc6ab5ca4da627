/** Validates the common metadata options of a builder and turns them into object metadata. */
import type { V1OwnerReference } from '@kubernetes/client-node';
import { BuilderValidationError } from '../errors.js';
import type { BuiltMetadata, ObjectMetaOptions } from '../types.js';
import { validateAnnotations, validateDns1123Label, validateLabels } from '../validation.js';

/** Checks a name in the rule of one kind; `field` is the error path, such as `StatefulSet name`. */
export type NameRule = (name: string, field: string) => string;

/**
 * Validates `options` for an object of `kind` and returns its metadata; empty maps and lists are left out.
 * Errors name the kind: `ConfigMap name`, `ConfigMap namespace`, `ConfigMap metadata.labels["app"]`.
 */
export function buildObjectMeta(options: ObjectMetaOptions, kind: string, nameRule: NameRule): BuiltMetadata {
  const name = nameRule(options.name, `${kind} name`);
  const namespace = validateDns1123Label(options.namespace, `${kind} namespace`);
  const labels = validateLabels(options.labels, `${kind} metadata.labels`);
  const annotations = validateAnnotations(options.annotations, `${kind} metadata.annotations`);
  const ownerReferences = checkOwnerReferences(options.ownerReferences ?? [], `${kind} metadata.ownerReferences`);
  return {
    name,
    namespace,
    ...(Object.keys(labels).length > 0 && { labels }),
    ...(Object.keys(annotations).length > 0 && { annotations }),
    ...(ownerReferences.length > 0 && { ownerReferences }),
  };
}

const ownerFields = ['apiVersion', 'kind', 'name', 'uid'] as const;

function checkOwnerReferences(refs: readonly V1OwnerReference[], field: string): V1OwnerReference[] {
  refs.forEach((ref, index) => {
    for (const key of ownerFields) {
      const value: unknown = ref[key];
      if (typeof value !== 'string' || value === '') {
        throw new BuilderValidationError(`${field}[${index}].${key}`, 'required', value, 'must be a non-empty string');
      }
    }
  });
  const controllers = refs.filter((ref) => ref.controller === true);
  if (controllers.length > 1) {
    const names = controllers.map((ref) => `${ref.kind}/${ref.name}`);
    throw new BuilderValidationError(field, 'conflict', names, 'at most one owner reference may have controller: true');
  }
  return refs.map((ref) => ({ ...ref }));
}
