/** Builds the children of one DSOI node: its config ConfigMap, its Service and its StatefulSet or Deployment. */
import type { KubeObject } from '@dsoi/object';
import type {
  V1Affinity,
  V1ContainerPort,
  V1EnvFromSource,
  V1EnvVar,
  V1PersistentVolumeClaimSpec,
  V1PodSecurityContext,
  V1Probe,
  V1ResourceRequirements,
  V1SecurityContext,
  V1ServiceSpec,
  V1Toleration,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import type { BuiltConfigMap } from './configMap.js';
import type { BuiltDeployment } from './deployment.js';
import { assembleNodeWorkload } from './internal/nodeAssembly.js';
import { nodeWorkloadDefaults as defaults } from './internal/nodeDefaults.js';
import type { BuiltService } from './service.js';
import type { BuiltStatefulSet } from './statefulSet.js';
import type { Labels } from './types.js';

/** The defaults of {@link buildNodeWorkload}, frozen. */
export const nodeWorkloadDefaults = defaults;

/** A node of a DSOI cluster custom resource (`spec.nodes[]`), as far as its workload is concerned. */
export interface NodeSpec {
  /** The node's name, a DNS-1123 label; the default object names derive from it. */
  readonly name: string;
  /** `StatefulSet` (or the legacy spelling `Statefulset`) or `Deployment`; anything else is an error. */
  readonly kind: string;
  /**
   * The number of pods.
   * @default 1
   */
  readonly replicas?: number;
}

/** One persistent volume of a node: a claim template of its StatefulSet, mounted in its container. */
export interface NodeStorage {
  /**
   * The claim template's name (a DNS-1123 label, distinct from every other volume of the node). Each pod's claim
   * is then `<name>-<workload>-<ordinal>`.
   * @default `data-<index in storage>`
   */
  readonly name?: string;
  /** Where the volume is mounted in the container. */
  readonly mountPath: string;
  /** The claim: at least one access mode and a storage request. */
  readonly spec: V1PersistentVolumeClaimSpec;
}

/** Labels and annotations added to the node's pods (the Go runtime accepted and dropped them). */
export interface NodePodMetadata {
  /**
   * Extra pod labels; they may not change a selector label or `app.kubernetes.io/managed-by`.
   * @default {}
   */
  readonly labels?: Readonly<Labels>;
  /**
   * Extra pod annotations; they may not set the config checksum annotation.
   * @default {}
   */
  readonly annotations?: Readonly<Labels>;
}

/** The Kubernetes config group of a node (`spec.k8sConfig[]` of a DSOI custom resource). */
export interface NodeK8sConfig {
  /** The container image. */
  readonly image: string;
  /** @default undefined (the API server's default: `Always` for `:latest`, else `IfNotPresent`) */
  readonly imagePullPolicy?: string;
  /** Names of Secrets used to pull the image. @default [] */
  readonly imagePullSecrets?: readonly string[];
  /** The container's entrypoint. @default undefined (the image's) */
  readonly command?: readonly string[];
  /** The container's arguments. @default undefined (the image's) */
  readonly args?: readonly string[];
  /** Container ports; names are IANA service names (at most 15 characters). @default [] */
  readonly ports?: readonly V1ContainerPort[];
  /** Environment variables, in order. @default [] */
  readonly env?: readonly V1EnvVar[];
  /** Environment sources (ConfigMaps, Secrets), in order. @default [] */
  readonly envFrom?: readonly V1EnvFromSource[];
  /** CPU and memory requests and limits. @default undefined */
  readonly resources?: V1ResourceRequirements;
  /** @default undefined (no liveness probe) */
  readonly livenessProbe?: V1Probe;
  /** @default undefined (no readiness probe) */
  readonly readinessProbe?: V1Probe;
  /** @default undefined (no startup probe) */
  readonly startupProbe?: V1Probe;
  /** Extra pod volumes; names must differ from the config volume and the storage names. @default [] */
  readonly volumes?: readonly V1Volume[];
  /** Extra container mounts; each must name a volume of the pod. @default [] */
  readonly volumeMounts?: readonly V1VolumeMount[];
  /** Persistent volumes: claim templates for a StatefulSet; an error for a Deployment. @default [] */
  readonly storage?: readonly NodeStorage[];
  /**
   * The node's Service spec; its selector is set to the node's selector labels (a different `selector` here is an
   * error). For a StatefulSet this Service becomes `serviceName`, so make it headless (`clusterIP: None`) for stable
   * pod DNS names.
   * @default undefined (no Service)
   */
  readonly service?: V1ServiceSpec;
  /** @default undefined */
  readonly nodeSelector?: Readonly<Labels>;
  /** @default [] */
  readonly tolerations?: readonly V1Toleration[];
  /** @default undefined */
  readonly affinity?: V1Affinity;
  /**
   * The pod's security context, merged field by field over `nodeWorkloadDefaults.podSecurityContext` (a field given
   * here replaces the default's field whole).
   * @default nodeWorkloadDefaults.podSecurityContext (Pod Security "restricted": non-root uid/gid/fsGroup 1000, seccomp RuntimeDefault)
   */
  readonly securityContext?: V1PodSecurityContext;
  /**
   * The container's security context, merged field by field over `nodeWorkloadDefaults.containerSecurityContext`.
   * @default nodeWorkloadDefaults.containerSecurityContext (no privilege escalation, capabilities drop ALL)
   */
  readonly containerSecurityContext?: V1SecurityContext;
  /** Extra labels and annotations of the pods. @default {} */
  readonly podMetadata?: NodePodMetadata;
  /** @default undefined (the namespace's `default` account) */
  readonly serviceAccountName?: string;
}

/** The application config of a node (e.g. a `pinotNodeConfig` or `parseableConfig` group), as ConfigMap entries. */
export interface NodeAppConfig {
  /** ConfigMap entries: file name to content when mounted, variable name to value when used as env. */
  readonly data: Readonly<Record<string, string>>;
  /**
   * Where the config volume is mounted in the container; each entry becomes a file there.
   * @default undefined (the volume is in the pod but not mounted; mount it yourself, e.g. with `subPath`)
   */
  readonly mountPath?: string;
  /**
   * Also inject every entry as an environment variable (an `envFrom` ConfigMap reference after `k8sConfig.envFrom`).
   * @default false
   */
  readonly asEnv?: boolean;
}

/** The names of a node's objects. The reference operators name them differently, so the caller decides. */
export interface NodeWorkloadNames {
  /** The StatefulSet or Deployment (a StatefulSet name is at most 52 characters). */
  readonly workload: string;
  /** The Service (a DNS-1035 label). */
  readonly service: string;
  /** The ConfigMap holding `appConfig.data`. */
  readonly configMap: string;
  /** The container. */
  readonly container: string;
}

/** Options of {@link buildNodeWorkload}. */
export interface NodeWorkloadOptions {
  /** The node. */
  readonly node: NodeSpec;
  /** The namespace of every object (the custom resource's). */
  readonly namespace: string;
  /** The node's Kubernetes config group. */
  readonly k8sConfig: NodeK8sConfig;
  /**
   * The node's application config; it becomes a ConfigMap whose checksum is on the pod template.
   * @default undefined (no ConfigMap)
   */
  readonly appConfig?: NodeAppConfig;
  /**
   * The labels that identify this node's pods: the workload's selector and the Service's selector. They must differ
   * between nodes (include the node name) and never change (no version). Added to every object built.
   */
  readonly selectorLabels: Readonly<Labels>;
  /**
   * More labels for every object and pod (e.g. `recommendedLabels(...)`); they may not change a selector label.
   * @default {}
   */
  readonly labels?: Readonly<Labels>;
  /**
   * Annotations for every object (not the pods: see `k8sConfig.podMetadata`).
   * @default {}
   */
  readonly annotations?: Readonly<Labels>;
  /**
   * The custom resource that owns the node; every object gets `controllerRef(owner)`.
   * @default undefined (no owner references)
   */
  readonly owner?: KubeObject;
  /**
   * Object names. A name derived by default that breaks its kind's length rule is an error, never truncated.
   * @default { workload: node.name, service: node.name, configMap: `${node.name}-config`, container: node.name }
   */
  readonly names?: Partial<NodeWorkloadNames>;
  /**
   * The name of the pod volume that holds the ConfigMap; it must differ from the other volume names.
   * @default 'app-config'
   */
  readonly configVolumeName?: string;
}

/** What a node's objects share, whichever the workload kind. */
interface NodeWorkloadBase {
  /** The ConfigMap of `appConfig`, when one was given. */
  readonly configMap: BuiltConfigMap | undefined;
  /** The Service, when `k8sConfig.service` was given. */
  readonly service: BuiltService | undefined;
  /** Every object built, in apply order: ConfigMap, Service, workload. */
  readonly objects: readonly (BuiltConfigMap | BuiltService | BuiltStatefulSet | BuiltDeployment)[];
}

/** The objects of one node, discriminated by `kind`. */
export type NodeWorkload =
  | (NodeWorkloadBase & { readonly kind: 'StatefulSet'; readonly workload: BuiltStatefulSet })
  | (NodeWorkloadBase & { readonly kind: 'Deployment'; readonly workload: BuiltDeployment });

/**
 * Builds the objects of one DSOI node: a ConfigMap from `appConfig`, a Service from `k8sConfig.service`, and a
 * StatefulSet (with one claim template per `k8sConfig.storage` entry) or a Deployment.
 *
 * The pod template mounts the ConfigMap at `appConfig.mountPath` and carries its checksum annotation
 * (`checksum.dsoi.io/configmap-<name>`), so a config change rolls this node's pods and no others. Selector and
 * Service selector are `selectorLabels`; pod labels are `selectorLabels` + `labels` + `podMetadata.labels`.
 * Tolerations, affinity, security contexts and pod metadata are applied. Volume mounts come in this order: storage,
 * config, `k8sConfig.volumeMounts`.
 *
 * Caveats: the builder does not stamp the desired-state hash annotation (`@dsoi/reconcile` does, with
 * `@dsoi/hash`'s `stampHash`). Claim templates and selectors are immutable on the server: changing `storage` or
 * `selectorLabels` of an existing StatefulSet makes its update fail. A Deployment with `storage` is refused, since
 * its replicas would share one claim: use a StatefulSet, or mount an existing claim through `k8sConfig.volumes`.
 *
 * @throws BuilderValidationError whose `field` starts with `node "<name>"`, for an unknown kind, a Deployment with
 * storage, an invalid or too-long name, label or annotation, a duplicate volume or mount path, a mount naming no
 * volume, or a Service selector that contradicts `selectorLabels`.
 */
export function buildNodeWorkload(options: NodeWorkloadOptions): NodeWorkload {
  return assembleNodeWorkload(options);
}
