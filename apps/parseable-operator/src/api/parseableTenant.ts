/**
 * The ParseableTenant custom resource as zod schemas: the one source of its TypeScript types, of the run-time check
 * of objects read from the cluster, and of the generated CRD (`parseable.io/v1beta1`, the Go operator's fields).
 */
import type { KubernetesSchemaName, KubernetesSchemaTypes } from '@dsoi/builder/crd';
import type { ObjectMeta } from '@dsoi/object';
import { conditionSchema } from '@dsoi/reconcile/dsoi';
import { z } from 'zod';

/** The API group of ParseableTenant (the Go operator's, unchanged). */
export const parseableGroup = 'parseable.io';
/** The served and stored version. */
export const parseableVersion = 'v1beta1';
/** `parseable.io/v1beta1`. */
export const parseableApiVersion = `${parseableGroup}/${parseableVersion}`;

/**
 * The `$ref` prefix that marks an embedded Kubernetes type in the JSON Schema of a zod schema; the CRD generator
 * replaces each such reference by the type's structural schema (`kubernetesSchema` of `@dsoi/builder`).
 */
export const kubernetesRefPrefix = 'kubernetes:';

/**
 * A core/v1 type embedded in the CRD. At run time any object passes (the API server validated it against the CRD);
 * in the CRD it is the real schema that `@dsoi/builder` extracted from a kube-apiserver's OpenAPI document.
 */
function kubernetesType<TName extends KubernetesSchemaName>(name: TName) {
  return z
    .custom<KubernetesSchemaTypes[TName]>(
      (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
      {
        message: `expected a ${name} object`,
      },
    )
    .meta({ $ref: `${kubernetesRefPrefix}${name}` });
}

const name = (description: string) => z.string().min(1).max(253).meta({ description });
const labelMap = z.record(z.string(), z.string());

/** A persistent volume of a node's pods: one PersistentVolumeClaim per node and entry, shared by its replicas. */
export const storageConfigSchema = z.object({
  name: z.string().min(1).max(63).meta({
    description: "The pod volume name; the claim is <node>-<k8sConfig>-<name> (the Go operator's name).",
  }),
  mountPath: z.string().min(1).meta({ description: 'Where the volume is mounted in the container.' }),
  spec: kubernetesType('PersistentVolumeClaimSpec').meta({
    description: 'The claim spec: access modes and a storage request at least.',
  }),
});

/** The Kubernetes config group (`spec.k8sConfig[]`): pod-level settings shared by the nodes that name it. */
export const k8sConfigSchema = z.object({
  name: name('The group name that nodes refer to (nodes[].k8sConfig).'),
  image: z.string().min(1).meta({ description: 'The Parseable container image.' }),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  serviceAccountName: z.string().optional(),
  env: z.array(kubernetesType('EnvVar')).optional().meta({ description: 'Extra environment variables.' }),
  tolerations: z.array(kubernetesType('Toleration')).optional(),
  nodeSelector: labelMap.optional(),
  resources: kubernetesType('ResourceRequirements').optional(),
  volumes: z.array(kubernetesType('Volume')).optional(),
  volumeMount: z.array(kubernetesType('VolumeMount')).optional(),
  service: kubernetesType('ServiceSpec').optional().meta({
    description: "The node's Service <node>-<k8sConfig>; its selector is set by the operator.",
  }),
  storageConfig: z.array(storageConfigSchema).optional(),
  podMetadata: z
    .object({ labels: labelMap.optional(), annotations: labelMap.optional() })
    .optional()
    .meta({ description: 'Extra labels and annotations of the pods.' }),
  livenessProbe: kubernetesType('Probe').optional().meta({ description: 'Added by this operator; optional.' }),
  readinessProbe: kubernetesType('Probe').optional().meta({ description: 'Added by this operator; optional.' }),
  startupProbe: kubernetesType('Probe').optional().meta({ description: 'Added by this operator; optional.' }),
});

/** The Parseable config group (`spec.parseableConfig[]`): environment and command-line arguments. */
export const parseableConfigSchema = z.object({
  name: name('The group name that nodes refer to (nodes[].parseableConfig).'),
  env: labelMap.meta({ description: 'Environment of the Parseable server (P_ADDR, P_S3_URL, ...), as a ConfigMap.' }),
  cliArgs: z
    .array(z.string())
    .optional()
    .meta({ description: 'Arguments after `parseable`, e.g. [local-store] or [s3-store].' }),
});

/** The workload kinds: `Statefulset` is the Go operator's spelling, `StatefulSet` is accepted too. */
export const nodeKinds = ['Deployment', 'Statefulset', 'StatefulSet'] as const;

/** A node: a group of identical Parseable pods (`spec.nodes[]`). */
export const nodeSchema = z.object({
  name: z.string().min(1).max(63).meta({ description: 'The node name (a DNS label).' }),
  kind: z.enum(nodeKinds).meta({ description: 'Deployment or Statefulset (StatefulSet is accepted too).' }),
  type: z.string().min(1).meta({ description: 'The node type; it must be listed in deploymentOrder.' }),
  replicas: z.int().min(0).max(10_000),
  k8sConfig: name('The name of a spec.k8sConfig entry.'),
  parseableConfig: name('The name of a spec.parseableConfig entry.'),
});

/** The object store every node uses (`spec.external.objectStore`). */
export const externalSchema = z.object({
  objectStore: z.object({
    spec: z.object({
      type: z.string().meta({ description: 'The object store type, e.g. s3-store (informational).' }),
      data: z.string().meta({
        description:
          'KEY=VALUE lines (P_S3_URL=..., one per line; # comments) given to every pod as environment, through the ConfigMap <tenant>-ext.',
      }),
    }),
  }),
});

/** What happens to the data volumes (storageConfig claims) when the tenant is deleted. */
export const retentionPolicies = ['Retain', 'Delete'] as const;

/** `spec` of a ParseableTenant. */
export const parseableTenantSpecSchema = z.object({
  deploymentOrder: z
    .array(z.string().min(1))
    .min(1)
    .meta({ description: 'Node types in rollout order; every node type must be listed.' }),
  external: externalSchema.optional(),
  k8sConfig: z.array(k8sConfigSchema),
  parseableConfig: z.array(parseableConfigSchema),
  nodes: z.array(nodeSchema).min(1),
  persistentVolumeClaimRetentionPolicy: z
    .object({
      whenDeleted: z.enum(retentionPolicies).default('Retain').meta({
        description: 'Retain (default): the claims outlive the tenant. Delete: they are deleted with it.',
      }),
    })
    .optional()
    .meta({ description: 'Added by this operator: whether deleting the tenant deletes its data volumes.' }),
});

/** `status` of a ParseableTenant: the Go field (`statefulSets`, never written by either operator) plus honest status. */
export const parseableTenantStatusSchema = z.object({
  statefulSets: z.string().optional().meta({ description: 'Kept from the Go operator (never written).' }),
  observedGeneration: z.int().min(0).optional(),
  conditions: z
    .array(conditionSchema)
    .optional()
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }),
  waitingOn: z.string().optional().meta({ description: 'The node the rollout waits for, and why.' }),
  rolloutStartTime: z.string().meta({ format: 'date-time' }).optional(),
  rolloutFinishTime: z.string().meta({ format: 'date-time' }).optional(),
});

/** The whole object (what the CRD schema describes). */
export const parseableTenantSchema = z.object({
  spec: parseableTenantSpecSchema,
  status: parseableTenantStatusSchema.optional(),
});

/** `spec` as the operator reads it (defaults applied). */
export type ParseableTenantSpec = z.output<typeof parseableTenantSpecSchema>;
/** `status`. */
export type ParseableTenantStatus = z.output<typeof parseableTenantStatusSchema>;
/** A node of the spec. */
export type ParseableNode = z.output<typeof nodeSchema>;
/** A Kubernetes config group. */
export type ParseableK8sConfig = z.output<typeof k8sConfigSchema>;
/** A Parseable config group. */
export type ParseableConfig = z.output<typeof parseableConfigSchema>;

/** A ParseableTenant as read from the cluster; `spec` is checked with {@link parseableTenantSpecSchema} before use. */
export interface ParseableTenant {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string; namespace: string; uid: string };
  spec: unknown;
  status?: ParseableTenantStatus;
}
