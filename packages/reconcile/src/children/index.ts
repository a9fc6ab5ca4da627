/**
 * @dsoi/reconcile/children: the parts of `reconcileChildren` a mapping may use on its own: the fields the API server
 * never lets change (and keeping their live values), and a workload's rollout readiness.
 */

export type { ChildOwnership } from './childOwnership.js';
export type { ImmutablePlan, KeptField } from './immutableFields.js';
export { immutableFields, keepImmutableFields } from './immutableFields.js';
export type { WorkloadObject, WorkloadReadiness } from './workloadReadiness.js';
export { workloadReadiness } from './workloadReadiness.js';
