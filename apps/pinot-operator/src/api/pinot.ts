/**
 * The Pinot cluster custom resource (`pinots.datainfra.io`): field names, required fields and list shapes of the Go
 * operator, so existing manifests apply unchanged; stricter only where the Go operator crashed or silently did
 * nothing (node kinds, node types, deploymentOrder, references to config groups).
 */

import type { ObjectMeta } from '@dsoi/object';
import { conditionSchema } from '@dsoi/reconcile/dsoi';
import { z } from 'zod';
import {
  containerPort,
  envVar,
  persistentVolumeClaimSpec,
  probe,
  resourceRequirements,
  serviceSpec,
  toleration,
  volume,
  volumeMount,
} from './kubernetesTypes.ts';

/** The four Pinot node types, the only values of `nodes[].nodeType` and `deploymentOrder[]`. */
export const pinotNodeTypes = ['controller', 'broker', 'server', 'minion'] as const;
/** One of {@link pinotNodeTypes}. */
export type PinotNodeType = (typeof pinotNodeTypes)[number];

const maxGroups = 64;
const name = z.string().min(1).max(63);
const nodeType = z.enum(pinotNodeTypes);

const storageConfig = z.object({
  name: z.string().min(1).max(63),
  mountPath: z.string().min(1),
  spec: persistentVolumeClaimSpec,
});

const k8sConfig = z.object({
  name,
  image: z.string().min(1),
  imagePullPolicy: z.string().optional(),
  imagePullSecrets: z
    .array(z.object({ name: z.string().min(1) }))
    .optional()
    .meta({ description: 'Secrets used to pull the image (not in the Go operator).' }),
  serviceAccountName: z.string().optional(),
  env: z.array(envVar).optional(),
  nodeSelector: z.record(z.string(), z.string()).optional(),
  tolerations: z.array(toleration).optional(),
  resources: resourceRequirements.optional(),
  livenessProbe: probe.optional(),
  readinessProbe: probe.optional(),
  startUpProbe: probe.optional(),
  port: z.array(containerPort),
  service: serviceSpec.meta({ description: 'The node Service spec; its selector is replaced by the node labels.' }),
  volumes: z.array(volume).optional(),
  volumeMount: z.array(volumeMount).optional(),
  storageConfig: z.array(storageConfig).max(16).optional(),
  podMetadata: z
    .object({
      annotations: z.record(z.string(), z.string()).optional(),
      labels: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

const pinotNodeConfig = z.object({
  name,
  java_opts: z.string(),
  data: z.string().meta({ description: 'The body of the node config file (Java properties).' }),
});

const node = z.object({
  name,
  kind: z
    .enum(['StatefulSet', 'Statefulset', 'Deployment'])
    .meta({ description: 'StatefulSet (or the Go spelling Statefulset) or Deployment.' }),
  nodeType,
  replicas: z.int().min(0).max(10_000),
  k8sConfig: name.meta({ description: 'The name of a k8sConfig entry.' }),
  pinotNodeConfig: name.meta({ description: 'The name of a pinotNodeConfig entry.' }),
});

/** CEL rules on `spec`: references must resolve, and every node's type must be rolled out. */
const specValidations = [
  {
    rule: 'self.nodes.all(n, self.k8sConfig.exists(k, k.name == n.k8sConfig))',
    message: 'every spec.nodes[].k8sConfig must name an entry of spec.k8sConfig',
    fieldPath: '.nodes',
    reason: 'FieldValueInvalid',
  },
  {
    rule: 'self.nodes.all(n, self.pinotNodeConfig.exists(p, p.name == n.pinotNodeConfig))',
    message: 'every spec.nodes[].pinotNodeConfig must name an entry of spec.pinotNodeConfig',
    fieldPath: '.nodes',
    reason: 'FieldValueInvalid',
  },
  {
    rule: 'self.nodes.all(n, n.nodeType in self.deploymentOrder)',
    message: 'every spec.nodes[].nodeType must be listed in spec.deploymentOrder',
    fieldPath: '.deploymentOrder',
    reason: 'FieldValueInvalid',
  },
];

/** `spec` of a Pinot cluster. */
export const pinotSpecSchema = z
  .object({
    auth: z
      .object({
        type: z.string().min(1).meta({ description: 'basic-auth' }),
        secretRef: z.object({
          name: z.string().min(1),
          namespace: z.string().optional().meta({ description: "Defaults to the Pinot CR's namespace." }),
        }),
      })
      .optional()
      .meta({ description: 'Basic auth of the Pinot controller REST API (keys CONTROL_PLANE_USERNAME/PASSWORD).' }),
    controllerTLS: z
      .object({
        caSecretRef: z.object({
          name: z.string().min(1),
          namespace: z.string().optional().meta({ description: "Defaults to the Pinot CR's namespace." }),
          key: z
            .string()
            .min(1)
            .optional()
            .meta({ description: 'The key holding the PEM CA bundle; defaults to ca.crt.' }),
        }),
      })
      .optional()
      .meta({
        description:
          'Call the Pinot controller over https, trusting the CA in this Secret (not in the Go operator, which used http only).',
      }),
    plugins: z.array(z.string().min(1)).optional(),
    deploymentOrder: z
      .array(nodeType)
      .min(1)
      .max(4)
      .meta({ 'x-kubernetes-list-type': 'set', description: 'Node types in rollout order.' }),
    external: z
      .object({
        zookeeper: z.object({ spec: z.object({ zkAddress: z.string().min(1) }) }),
        deepStorage: z.object({ spec: z.array(z.object({ nodeType, data: z.string() })).max(16) }).optional(),
      })
      .optional(),
    k8sConfig: z
      .array(k8sConfig)
      .min(1)
      .max(maxGroups)
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }),
    pinotNodeConfig: z
      .array(pinotNodeConfig)
      .min(1)
      .max(maxGroups)
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }),
    nodes: z
      .array(node)
      .min(1)
      .max(maxGroups)
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }),
  })
  .meta({ 'x-kubernetes-validations': specValidations });

/** `status` of a Pinot cluster (the Go operator wrote none). */
export const pinotStatusSchema = z.object({
  observedGeneration: z.int().min(0).optional(),
  conditions: z
    .array(conditionSchema)
    .optional()
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }),
  rolloutStartTime: z.string().meta({ format: 'date-time' }).optional(),
  rolloutFinishTime: z.string().meta({ format: 'date-time' }).optional(),
  waitingOn: z.string().optional().meta({ description: 'The node the rollout waits on, if any.' }),
});

/** The whole Pinot object, as the CRD schema describes it. */
export const pinotSchema = z.object({ spec: pinotSpecSchema, status: pinotStatusSchema.optional() });

/** `spec` of a Pinot cluster. */
export type PinotSpec = z.infer<typeof pinotSpecSchema>;
/** `status` of a Pinot cluster. */
export type PinotStatus = z.infer<typeof pinotStatusSchema>;
/** One `spec.nodes[]` entry. */
export type PinotNode = PinotSpec['nodes'][number];
/** One `spec.k8sConfig[]` entry. */
export type PinotK8sConfig = PinotSpec['k8sConfig'][number];
/** One `spec.pinotNodeConfig[]` entry. */
export type PinotNodeConfig = PinotSpec['pinotNodeConfig'][number];

/** A Pinot object as read from the API server. */
export interface Pinot {
  apiVersion: 'datainfra.io/v1beta1';
  kind: 'Pinot';
  metadata: ObjectMeta & { name: string; namespace: string };
  spec: PinotSpec;
  status?: PinotStatus;
}
