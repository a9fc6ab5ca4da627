/**
 * YAML text of a generated CustomResourceDefinition, written from the plain object itself: every keyword of the
 * schema (`enum`, `default`, `x-kubernetes-*`, ...) is kept as it is spelled in the object.
 */
import type { BuiltCustomResourceDefinition } from './crdSchema.js';
import { yamlDocument } from './internal/yamlText.js';

/**
 * The YAML document of a CRD built by `buildCustomResourceDefinition`, for `deploy/crds/` and a Helm chart's `crds/`.
 *
 * Use it instead of `@kubernetes/client-node`'s `dumpYaml`: that one serializes through the model classes, which know
 * the JSON Schema keywords only under their TypeScript names (`_enum`, `_default`, `xKubernetesListType`), so every
 * `enum`, `default` and `x-kubernetes-*` of a plain schema object outside an `items` node is silently dropped.
 *
 * Guarantees: parsing the text (YAML 1.2 or 1.1, as kubectl's decoder reads it) gives back an object deep-equal to
 * `crd`; strings that a YAML parser could read as another type (`'True'`, `'1.0'`, `yes`, `null`, dates) are quoted;
 * keys keep the object's order.
 *
 * @throws TypeError for a value JSON cannot hold (a function, `undefined` in an array, a non-finite number).
 */
export function customResourceDefinitionYaml(crd: BuiltCustomResourceDefinition): string {
  return yamlDocument(crd);
}
