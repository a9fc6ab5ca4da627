/** @dsoi/parseable-operator: the reference operator for Parseable (ParseableTenant), built on the @dsoi packages. */

export type { GeneratedFile } from './crds.ts';
export { crdFiles, parseableTenantCrd } from './crds.ts';
export type { TenantChildren, TenantOwner } from './desiredChildren.ts';
// Pure parts, for tests and tools
export {
  defaultParseablePort,
  desiredTenantChildren,
  externalConfigMapName,
  parseableNodeLabels,
  parseablePort,
  parseObjectStoreData,
} from './desiredChildren.ts';
export type { ParseableOperator, ParseableOperatorOptions } from './operator.ts';
// The operator
export {
  createParseableOperator,
  parseableOperatorDefaults,
  parseableTenantType,
  tenantPredicates,
} from './operator.ts';
export type { RetainedClaimsOptions, RetainedClaimsReport } from './retainedClaims.ts';
export { applyRetainedClaims, persistentVolumeClaimType } from './retainedClaims.ts';
export type {
  ParseableConfig,
  ParseableK8sConfig,
  ParseableNode,
  ParseableTenant,
  ParseableTenantSpec,
  ParseableTenantStatus,
} from './schema.ts';
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
} from './schema.ts';
export type { SpecProblem } from './specProblems.ts';
export { describeProblems, InvalidSpecError, parseTenantSpec } from './specProblems.ts';
export type { TenantReconcilerOptions } from './tenantReconciler.ts';
export { createTenantReconciler, tenantOwnedKinds } from './tenantReconciler.ts';
export type { TenantOutcome } from './tenantStatus.ts';
export { tenantConditionTypes, tenantStatus } from './tenantStatus.ts';
