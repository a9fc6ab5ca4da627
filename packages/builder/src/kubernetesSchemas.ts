/**
 * Structural schemas of the Kubernetes types that DSOI custom resources embed (ServiceSpec, Volume, Probe, ...),
 * taken from a real kube-apiserver's OpenAPI v3 document (`GET /openapi/v3/api/v1`) and committed as JSON, so a CRD
 * validates an embedded ServiceSpec exactly as the API server validates a Service, without hand-written schemas.
 */
import type {
  V1ContainerPort,
  V1EnvVar,
  V1PersistentVolumeClaimSpec,
  V1Probe,
  V1ResourceRequirements,
  V1ServiceSpec,
  V1Toleration,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { type JsonSchema, type StructuralSchema, structuralSchema } from './crdSchema.js';
import committed from './kubernetesSchemas.json' with { type: 'json' };
import { withQuantityPatterns } from './quantityPattern.js';

/** The embedded types available through {@link kubernetesSchema}, by their OpenAPI name without the package. */
export const kubernetesSchemaNames = Object.freeze([
  'ContainerPort',
  'EnvVar',
  'PersistentVolumeClaimSpec',
  'Probe',
  'ResourceRequirements',
  'ServiceSpec',
  'Toleration',
  'Volume',
  'VolumeMount',
] as const);

/** One of {@link kubernetesSchemaNames}. */
export type KubernetesSchemaName = (typeof kubernetesSchemaNames)[number];

/**
 * The TypeScript type (`@kubernetes/client-node`'s model) of each of {@link kubernetesSchemaNames}, so a CRD field
 * typed by name (`KubernetesSchemaTypes['Probe']`) needs no import of its own.
 */
export interface KubernetesSchemaTypes {
  readonly ContainerPort: V1ContainerPort;
  readonly EnvVar: V1EnvVar;
  readonly PersistentVolumeClaimSpec: V1PersistentVolumeClaimSpec;
  readonly Probe: V1Probe;
  readonly ResourceRequirements: V1ResourceRequirements;
  readonly ServiceSpec: V1ServiceSpec;
  readonly Toleration: V1Toleration;
  readonly Volume: V1Volume;
  readonly VolumeMount: V1VolumeMount;
}

/** The committed file: where the schemas came from, and the schemas. */
export interface KubernetesSchemaSet {
  /** `gitVersion` of the kube-apiserver that served the OpenAPI document, e.g. `v1.36.3`. */
  readonly kubernetesVersion: string;
  /** Structural schema per type name (`io.k8s.api.core.v1.<name>`). */
  readonly schemas: Readonly<Record<KubernetesSchemaName, StructuralSchema>>;
}

const corePackage = 'io.k8s.api.core.v1.';

/** References replaced rather than resolved: free-form metadata keeps its fields instead of being pruned. */
const replacedRefs: Readonly<Record<string, StructuralSchema>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
};

/**
 * Extracts structural schemas from a kube-apiserver OpenAPI v3 document of `api/v1`: `$ref`s are inlined,
 * `IntOrString` and `Quantity` become `x-kubernetes-int-or-string` (quantities with their pattern), descriptions are dropped (the committed file
 * stays small; `kubectl explain` still shows the structure), and only the defaults a structural schema needs
 * (list-map keys such as `protocol: TCP`) are kept. Pure: the same document gives the same result.
 *
 * @throws BuilderValidationError (rule `structural`) when the document lacks a type or holds a shape a structural
 * schema cannot express.
 */
export function extractKubernetesSchemas(
  document: JsonSchema,
  names: readonly KubernetesSchemaName[] = kubernetesSchemaNames,
): Record<KubernetesSchemaName, StructuralSchema> {
  const components = ((document.components as JsonSchema | undefined)?.schemas ?? {}) as Record<string, JsonSchema>;
  const resolveRef = (ref: string) => components[ref.replace('#/components/schemas/', '')];
  const replaceRef = (ref: string) => replacedRefs[ref.replace('#/components/schemas/', '')];
  const result = {} as Record<KubernetesSchemaName, StructuralSchema>;
  for (const name of names) {
    const schema = components[`${corePackage}${name}`];
    if (!schema) {
      throw new Error(`the OpenAPI document has no ${corePackage}${name}; is it the document of api/v1?`);
    }
    result[name] = withQuantityPatterns(
      structuralSchema(schema, {
        descriptions: false,
        defaults: 'listMapKeys',
        resolveRef,
        replaceRef,
        path: name,
      }),
    );
  }
  return result;
}

/** The committed schema set (see `tools/k8s-openapi/generate.ts`), as read from `kubernetesSchemas.json`. */
export function kubernetesSchemaSet(): KubernetesSchemaSet {
  const set = structuredClone(committed as KubernetesSchemaSet);
  for (const schema of Object.values(set.schemas)) withQuantityPatterns(schema);
  return set;
}

/**
 * The structural schema of an embedded Kubernetes type (a fresh copy; change it freely), e.g.
 * `kubernetesSchema('ServiceSpec')` for a field that holds a Service spec. Quantities (`limits`, `requests`,
 * `sizeLimit`) carry the quantity pattern, as controller-gen's do (see `quantityPattern`).
 */
export function kubernetesSchema(name: KubernetesSchemaName): StructuralSchema {
  const schema = (committed as KubernetesSchemaSet).schemas[name];
  if (!schema) throw new Error(`no committed schema for ${name}: run tools/k8s-openapi/generate.ts`);
  return withQuantityPatterns(structuredClone(schema));
}
