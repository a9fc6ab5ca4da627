/**
 * @dsoi/builder/crd: a CustomResourceDefinition from a JSON Schema (a zod schema's `z.toJSONSchema`), its structural
 * form, its YAML, and the Kubernetes schemas a CRD's fields may reuse (container, resources, affinity, ...).
 */

export type {
  BuiltCustomResourceDefinition,
  CrdPrinterColumn,
  CrdVersionOptions,
  CustomResourceDefinitionOptions,
  JsonSchema,
  StructuralSchema,
  StructuralSchemaOptions,
} from './crdSchema.js';
export { buildCustomResourceDefinition, structuralSchema } from './crdSchema.js';
export { customResourceDefinitionYaml } from './crdYaml.js';
export type { KubernetesSchemaName, KubernetesSchemaSet, KubernetesSchemaTypes } from './kubernetesSchemas.js';
export {
  extractKubernetesSchemas,
  kubernetesSchema,
  kubernetesSchemaNames,
  kubernetesSchemaSet,
} from './kubernetesSchemas.js';
export { quantityPattern, withQuantityPatterns } from './quantityPattern.js';
