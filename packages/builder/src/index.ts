/**
 * @dsoi/builder: typed, pure builders for Kubernetes objects and DSOI node workloads. CustomResourceDefinitions (the
 * builders and their types) are `@dsoi/builder/crd`; the name, label and annotation validators are `@dsoi/builder/validation`.
 */

// Config checksums: a ConfigMap or Secret change rolls exactly the pods that carry its checksum
export type { ConfigChecksumOptions, ConfigObject } from './configChecksum.js';
export { configChecksum, configChecksumKey, configChecksumPrefix, withConfigChecksum } from './configChecksum.js';
// Object builder: ConfigMap
export type { BuiltConfigMap, ConfigMapOptions } from './configMap.js';
export { buildConfigMap } from './configMap.js';
// Ownership
export type { OwnerObject } from './controllerRef.js';
export { controllerRef } from './controllerRef.js';
// Object builder: Deployment
export type { BuiltDeployment, DeploymentOptions } from './deployment.js';
export { buildDeployment } from './deployment.js';
// Errors
export type { BuilderValidationRule } from './errors.js';
export { BuilderValidationError, isBuilderValidationError } from './errors.js';
// Labels: recommended labels and the merge rule
export type { MergeLabelsOptions, RecommendedLabelsOptions } from './labels.js';
export { mergeLabels, recommendedLabelKeys, recommendedLabels } from './labels.js';
// Object builder: NetworkPolicy
export type { BuiltNetworkPolicy, NetworkPolicyOptions } from './networkPolicy.js';
export { buildNetworkPolicy } from './networkPolicy.js';
// DSOI node workloads
export type {
  NodeAppConfig,
  NodeK8sConfig,
  NodePodMetadata,
  NodeSpec,
  NodeStorage,
  NodeWorkload,
  NodeWorkloadNames,
  NodeWorkloadOptions,
} from './nodeWorkload.js';
export { buildNodeWorkload, nodeWorkloadDefaults } from './nodeWorkload.js';
// Object builder: PersistentVolumeClaim
export type { BuiltPersistentVolumeClaim, PersistentVolumeClaimOptions } from './persistentVolumeClaim.js';
export { buildPersistentVolumeClaim } from './persistentVolumeClaim.js';
// Object builder: PodDisruptionBudget
export type { BuiltPodDisruptionBudget, PodDisruptionBudgetOptions } from './podDisruptionBudget.js';
export { buildPodDisruptionBudget } from './podDisruptionBudget.js';
// Object builder: Secret
export type { BuiltSecret, SecretOptions } from './secret.js';
export { buildSecret } from './secret.js';
// Object builders: Service and headless Service
export type { BuiltService, ServiceOptions } from './service.js';
export { buildHeadlessService, buildService } from './service.js';
// Object builder: ServiceAccount
export type { BuiltServiceAccount, ServiceAccountOptions } from './serviceAccount.js';
export { buildServiceAccount } from './serviceAccount.js';
// Object builder: StatefulSet
export type { BuiltStatefulSet, StatefulSetOptions } from './statefulSet.js';
export { buildStatefulSet } from './statefulSet.js';
// Types shared by every builder
export type { Built, BuiltMetadata, Labels, ObjectMetaOptions } from './types.js';
// DSOI node workloads: the node kind
export type { WorkloadKind } from './workloadKind.js';
export { parseWorkloadKind } from './workloadKind.js';
