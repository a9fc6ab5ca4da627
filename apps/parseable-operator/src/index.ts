/** @dsoi/parseable-operator: the reference operator for Parseable (ParseableTenant), built on the @dsoi packages. */

export { parseableTenantCrd } from './api/crds.ts';
export type {
  ParseableConfig,
  ParseableK8sConfig,
  ParseableNode,
  ParseableTenant,
  ParseableTenantSpec,
  ParseableTenantStatus,
} from './api/parseableTenant.ts';
// The custom resource: zod schemas (types and CRD schema) and the generated CRD
export {
  kubernetesRefPrefix,
  nodeKinds,
  parseableApiVersion,
  parseableGroup,
  parseableTenantSchema,
  parseableTenantSpecSchema,
  parseableTenantStatusSchema,
  parseableVersion,
  retentionPolicies,
} from './api/parseableTenant.ts';
export type { ParseableOperator, ParseableOperatorOptions } from './operator.ts';
// The operator
export {
  createParseableOperator,
  parseableOperatorDefaults,
  parseableTenantType,
  tenantPredicates,
} from './operator.ts';
export type { TenantChildren, TenantOwner } from './tenant/desiredChildren.ts';
// Pure parts, for tests and tools
export {
  defaultParseablePort,
  desiredTenantChildren,
  externalConfigMapName,
  parseableNodeLabels,
  parseablePort,
  parseObjectStoreData,
} from './tenant/desiredChildren.ts';
export type { TenantReconcilerOptions } from './tenant/tenantReconciler.ts';
export { createTenantReconciler, persistentVolumeClaimType, tenantOwnedKinds } from './tenant/tenantReconciler.ts';
